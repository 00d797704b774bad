import CRMModel
import SyncCore

extension ReplicaWriter {
    /// Adds a room with its capacity (how many bookings it holds at once).
    public mutating func addRoom(name: String, capacity: Int, branch: BranchID?) throws -> RoomID {
        let room = try Room(id: newID(), name: name, capacity: capacity)
        if let branch { try require(.branch, branch.description) }
        try insert(.room, id: room.id.description, [branch.map { .text($0.description) } ?? .null, .text(room.name), .integer(Int64(room.capacity))])
        return room.id
    }

    /// Adds a class (group lesson) with its capacity and teacher.
    public mutating func addCourse(name: String, capacity: Int, branch: BranchID?, staff: UserID?) throws -> CourseID {
        let course = try Course(id: newID(), name: name, capacity: capacity)
        if let branch { try require(.branch, branch.description) }
        if let staff { try require(.staffUser, staff.description) }
        try insert(.course, id: course.id.description, [
            branch.map { .text($0.description) } ?? .null, .text(course.name), .integer(Int64(course.capacity)), staff.map { .text($0.description) } ?? .null,
        ])
        return course.id
    }

    /// Enrols a client in a class (adds it to the group).
    public mutating func enrol(_ client: ClientID, in course: CourseID) throws -> EnrolmentID {
        try require(.course, course.description)
        let id: EnrolmentID = newID()
        let clientText = client.description
        try refersTo(.client, clientText) { writer in
            try writer.insert(.enrolment, id: id.description, [.text(clientText), .text(course.description)])
        }
        return id
    }

    /// Plans a call to a client.
    public mutating func planCall(to client: ClientID, due: Timestamp, staff: UserID?, note: String?) throws -> PlannedCallID {
        let call = try PlannedCall(id: newID(), note: note)
        if let staff { try require(.staffUser, staff.description) }
        let clientText = client.description
        try refersTo(.client, clientText) { writer in
            try writer.insert(.plannedCall, id: call.id.description, [
                .text(clientText), .text(due.description), staff.map { .text($0.description) } ?? .null, call.note.map(FieldValue.text) ?? .null, .integer(0),
            ])
        }
        return call.id
    }
}
