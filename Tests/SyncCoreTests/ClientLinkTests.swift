import SyncCore
import Testing

/// Every replicated entity says how its rows find their client (``ClientLink``), and the
/// table agrees with the schema: the one source every permission, placement, snapshot and
/// purge derives from (issue 12, finding 1).
@Suite("ClientLink: one table for every entity's client")
struct ClientLinkTests {
    @Test(arguments: ReplicatedSchema.entities.map(\.kind.name))
    func everyReplicatedEntityHasALink(_ entity: String) {
        #expect(ClientLink.of(entity) != nil, "\(entity) has no ClientLink entry: add one before it replicates")
    }

    @Test func theTableNamesOnlyReplicatedEntities() {
        let replicated = Set(ReplicatedSchema.entities.map(\.kind.name))
        #expect(Set(ClientLink.byEntity.keys) == replicated)
    }

    @Test(arguments: ReplicatedSchema.entities)
    func anEntityWithAClientIDBelongsToThatClientAndOnlySuchEntitiesDo(_ entity: ReplicatedSchema.Entity) {
        let hasClientID = entity.field("client_id") != nil
        switch ClientLink.of(entity.kind.name) {
        case .child(_, let optional)?:
            #expect(hasClientID)
            #expect(optional == entity.field("client_id")?.nullable, "\(entity.kind.name): optional link and nullable client_id disagree")
        case .conflictRecord?: #expect(hasClientID)
        case .client?, .organisation?: #expect(!hasClientID)
        case nil: Issue.record("\(entity.kind.name) has no link")
        }
    }

    @Test func anUnknownEntityIsPlacedWhereOnlyExecutivesSeeIt() {
        #expect(ClientLink.of("payroll") == nil)
        #expect(Buckets.place(entity: "payroll", rowID: "x", fields: [:]) == (.details, nil))
    }

    @Test func aConflictRecordWithoutItsClientFindsItThroughTheRowItIsAbout() {
        let memo = RowState(deleted: true, fields: ["client_id": FieldState(value: .text("c1"), hlc: .zero, site: "")])
        let client = ClientLink.client(ofEntity: "conflict", id: "k", fields: ["entity": .text("memo"), "entity_id": .text("m1")],
                                       row: { $0 == RowKey("memo", "m1") ? memo : nil })
        #expect(client == "c1")
        #expect(ClientLink.client(ofEntity: "conflict", id: "k", fields: ["entity": .text("client"), "entity_id": .text("c2")], row: { _ in nil }) == "c2")
    }
}
