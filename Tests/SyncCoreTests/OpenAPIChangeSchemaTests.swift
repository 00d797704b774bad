import Foundation
import Testing
@testable import SyncCore

/// protocol/openapi.yaml describes a pushed change per entity, generated from
/// ``ReplicatedSchema`` (its fields and their types), so that a fuzzer working from the
/// spec sends exactly the changes the server accepts. This test keeps the two in step; run
/// it with `UPDATE_OPENAPI=1` to rewrite the block after a schema change.
@Suite struct OpenAPIChangeSchemaTests {
    static let begin = "    # BEGIN changes per entity: generated from ReplicatedSchema by OpenAPIChangeSchemaTests\n"
    static let end = "    # END changes per entity\n"

    static func render() -> String {
        var out = begin
        let names = ReplicatedSchema.entities.map(\.kind.name)
        out += "    Change:\n      description: one row change; its fields are those of its entity\n      oneOf:\n"
        for name in names { out += "        - {$ref: \"#/components/schemas/Change_\(name)\"}\n" }
        out += "      discriminator:\n        propertyName: e\n        mapping:\n"
        for name in names { out += "          \(name): \"#/components/schemas/Change_\(name)\"\n" }
        for entity in ReplicatedSchema.entities {
            let name = entity.kind.name
            out += """
                Change_\(name):
                  type: object
                  required: [seq, hlc, e, r]
                  properties:
                    site: {$ref: "#/components/schemas/Uuid"}
                    seq: {type: integer, format: int64, minimum: 1}
                    hlc: {type: integer, format: int64, description: "milliseconds << 16 | counter"}
                    e: {type: string, enum: [\(name)]}
                    r: {$ref: "#/components/schemas/Uuid"}
                    f: {$ref: "#/components/schemas/Fields_\(name)"}
                    d: {type: integer, enum: [1]}
                    b:
                      allOf: [{$ref: "#/components/schemas/Fields_\(name)"}]
                      description: "the base: for an edit, what the edited fields held when it started; for a deletion, the row as the deleting replica last saw it"
                Fields_\(name):
                  type: object
                  additionalProperties: false
                  properties:

            """
            for field in entity.fields {
                let type = switch field.kind {
                case .text: "{type: string, nullable: true}"
                case .integer: "{type: integer, format: int64, nullable: true}"
                }
                out += "        \(field.name): \(type)\n"
            }
        }
        return out + end
    }

    @Test func specDescribesEveryEntitysFieldsAsTheServerChecksThem() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../protocol/openapi.yaml").standardized
        let text = try String(contentsOf: url, encoding: .utf8)
        let start = try #require(text.range(of: Self.begin), "openapi.yaml lacks the generated block's BEGIN marker")
        let stop = try #require(text.range(of: Self.end, range: start.upperBound..<text.endIndex), "openapi.yaml lacks the END marker")
        let current = String(text[start.lowerBound..<stop.upperBound])
        let expected = Self.render()
        if current != expected, ProcessInfo.processInfo.environment["UPDATE_OPENAPI"] == "1" {
            try text.replacingCharacters(in: start.lowerBound..<stop.upperBound, with: expected).write(to: url, atomically: true, encoding: .utf8)
            return
        }
        #expect(current == expected, "protocol/openapi.yaml's change schemas differ from ReplicatedSchema; rerun with UPDATE_OPENAPI=1")
    }
}
