/// Where a client stands, derived (never typed in) from the flags on the card and the
/// states of the client's schedules, on every replica after every write or apply.
///
/// The rule, in order:
/// 1. `archived` when the card has an archive reason;
/// 2. `dormant` when the card is put to sleep;
/// 3. `in_progress` when at least one schedule is still `scheduled` (upcoming);
/// 4. `completed` when none is upcoming and at least one is `done`;
/// 5. `new` otherwise: nothing booked yet, or every booking cancelled.
///
/// The rule reads schedule states only, not the clock, so every replica derives the same
/// status from the same rows whatever its time. The replica's `client_status` view
/// computes the same rule in SQL; a test holds the two equal.
public enum ClientStatus: String, Choice, Sendable, Codable {
    /// Added, nothing booked yet.
    case new
    /// At least one upcoming schedule.
    case inProgress = "in_progress"
    /// Schedules were booked and none is upcoming.
    case completed
    /// Put to sleep by hand.
    case dormant
    /// Archived, with a reason.
    case archived

    /// Derives the status from the card's flags and its schedules' states.
    public static func derive(dormant: Bool, archived: Bool, schedules: some Sequence<Schedule.State>) -> ClientStatus {
        if archived { return .archived }
        if dormant { return .dormant }
        var anyDone = false
        for state in schedules {
            switch state {
            case .scheduled: return .inProgress
            case .done: anyDone = true
            case .cancelled: break
            }
        }
        return anyDone ? .completed : .new
    }

}
