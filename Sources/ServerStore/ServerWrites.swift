import SyncCore

/// Changes the server makes itself (admin commands, repairs), applied through the same
/// rules as pushes under the server's own site and sequence, so replicas pull them.
package enum ServerWrites {
    /// Applies one change as the server's next own change, in the caller's transaction;
    /// throws the refusal when the rules refuse it.
    package static func write(_ change: RowChange, now: Int64, store: some RecordStore) throws {
        let site = try store.serverSite()
        let seq = try store.nextServerSeq()
        let stamped = RowChange(seq: seq, hlc: HLCTimestamp(millis: now, counter: 0), entity: change.entity, rowID: change.rowID,
                                operation: change.operation, fields: change.fields)
        switch try PushSteps.apply([WireChange(stamped)], site: site, now: now, maxSkewMillis: .max / 2, store: store) {
        case .failure(let error):
            throw StorageError(error.error.message)
        case .success(let response):
            if let ack = response.acks.first, ack.status == .rejected {
                throw StorageError(ack.detail ?? ack.reason ?? "refused")
            }
        }
        if try store.nextServerSeq() <= seq { try store.setNextServerSeq(seq + 1) }
    }

    /// Adds a branch office.
    package static func addBranch(id: String, name: String, now: Int64, store: some RecordStore) throws {
        try write(RowChange(seq: 0, hlc: .zero, entity: .branch, rowID: id, operation: .set, fields: [FieldAssignment("name", .text(name))]), now: now, store: store)
    }

    /// Adds a staff member to a branch that exists.
    package static func addUser(id: String, name: String, role: String, team: String, branch: String, now: Int64, store: some RecordStore) throws {
        guard try store.row(.branch, branch)?.deleted == false else { throw StorageError("--branch: branch \(branch) not found") }
        try write(RowChange(seq: 0, hlc: .zero, entity: .staffUser, rowID: id, operation: .set, fields: [
            FieldAssignment("name", .text(name)), FieldAssignment("role", .text(role)), FieldAssignment("team", .text(team)),
            FieldAssignment("branch_id", .text(branch)),
        ]), now: now, store: store)
    }

    /// Changes a staff member's role and, when given, branch.
    package static func setRole(user: String, role: String, branch: String?, now: Int64, store: some RecordStore) throws {
        guard try store.row(.staffUser, user)?.deleted == false else { throw StorageError("--user: staff user \(user) not found") }
        var fields = [FieldAssignment("role", .text(role))]
        if let branch { fields.append(FieldAssignment("branch_id", .text(branch))) }
        try write(RowChange(seq: 0, hlc: .zero, entity: .staffUser, rowID: user, operation: .set, fields: fields), now: now, store: store)
    }
}
