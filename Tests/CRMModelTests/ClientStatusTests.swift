import CRMModel
import Testing

@Suite("Client status is derived from flags and schedules")
struct ClientStatusTests {
    @Test func clientWithoutSchedulesIsNew() {
        #expect(ClientStatus.derive(dormant: false, archived: false, schedules: []) == .new)
    }

    @Test func bookingAScheduleMovesNewClientToInProgress() {
        #expect(ClientStatus.derive(dormant: false, archived: false, schedules: [.scheduled]) == .inProgress)
    }

    @Test func allSchedulesDoneMakesClientCompleted() {
        #expect(ClientStatus.derive(dormant: false, archived: false, schedules: [.done, .done]) == .completed)
    }

    @Test func oneUpcomingScheduleKeepsClientInProgress() {
        #expect(ClientStatus.derive(dormant: false, archived: false, schedules: [.done, .scheduled]) == .inProgress)
    }

    @Test func newScheduleForCompletedClientMovesItBackToInProgress() {
        let completed: [Schedule.State] = [.done]
        #expect(ClientStatus.derive(dormant: false, archived: false, schedules: completed) == .completed)
        #expect(ClientStatus.derive(dormant: false, archived: false, schedules: completed + [.scheduled]) == .inProgress)
    }

    @Test func onlyCancelledSchedulesLeaveClientNew() {
        #expect(ClientStatus.derive(dormant: false, archived: false, schedules: [.cancelled]) == .new)
    }

    @Test func cancelledBesideDoneIsCompleted() {
        #expect(ClientStatus.derive(dormant: false, archived: false, schedules: [.cancelled, .done]) == .completed)
    }

    @Test func dormantFlagOverridesSchedules() {
        #expect(ClientStatus.derive(dormant: true, archived: false, schedules: [.scheduled]) == .dormant)
    }

    @Test func archivedFlagOverridesDormantAndSchedules() {
        #expect(ClientStatus.derive(dormant: true, archived: true, schedules: [.scheduled]) == .archived)
    }

    @Test func statusParsesItsWireNamesAndRefusesOthers() throws {
        #expect(try ClientStatus(parsing: "IN_PROGRESS", field: "status") == .inProgress)
        let error = #expect(throws: ModelError.self) { try ClientStatus(parsing: "busy", field: "--status") }
        #expect(error?.field == "--status")
        #expect(error?.description.contains("in_progress") == true)
    }
}
