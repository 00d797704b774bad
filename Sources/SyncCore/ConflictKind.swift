/// Why the server recorded a conflict (protocol/CONFLICTS.md explains each to an office
/// manager).
public enum ConflictKind: String, CaseIterable, Sendable {
    /// Two offices changed the same stretch of a memo: the memo holds both versions.
    case memoOverlap = "memo_overlap"
    /// A merge of memo edits came out over the memo limit: kept whole, flagged for review.
    case memoTooLong = "memo_too_long"
    /// One office deleted a memo another was editing: the memo stays, with the edit.
    case memoDeleteRefused = "memo_delete_refused"
    /// Two offices set the same field: the later stamp won, the other value is kept here.
    case sameField = "same_field"
    /// One office deleted a row another was editing: the deletion won, the edit is kept here.
    case editOfDeleted = "edit_of_deleted"
}

/// Why the server created a task.
public enum TaskKind: String, CaseIterable, Sendable {
    /// Written by a person.
    case manual
    /// Two bookings of one staff member or room overlap.
    case bookingOverlap = "booking_overlap"
    /// A class session holds more bookings than its capacity.
    case overCapacity = "over_capacity"
    /// A schedule was booked for a client archived meanwhile.
    case archivedBooking = "archived_booking"
    /// Two offices assigned a client to different staff: a notice for each.
    case assigneeNotice = "assignee_notice"
}
