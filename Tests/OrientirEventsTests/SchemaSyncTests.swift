import Foundation
import XCTest
import OrientirEvents

/// Keeps `Schemas/`, the Swift catalog and the corpora in step: the schemas name exactly the Swift event types,
/// every required field of a schema is required by the Swift parser (and no other), every enum value of a schema
/// is accepted by it and nothing else, the valid corpus is accepted and each invalid line is rejected on the field
/// its expectation names. `Tools/check-schemas.py` checks the same corpora against the schemas with an independent
/// JSON Schema validator, and the schemas against EVENTS.md.
final class SchemaSyncTests: XCTestCase {
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    private let schemas = root.appendingPathComponent("Schemas/events")
    private let fixtures = root.appendingPathComponent("Tests/Fixtures/events")
    private let parser = EventParser()

    private func json(_ url: URL) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    private func corpus() throws -> [[String: Any]] {
        try String(contentsOf: fixtures.appendingPathComponent("valid.ndjson"), encoding: .utf8)
            .split(separator: "\n").map { try XCTUnwrap(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    }

    private func accepts(_ object: [String: Any]) -> Bool {
        let data = try! JSONSerialization.data(withJSONObject: object)
        return (try? parser.parse(line: Array(data), lineNumber: 1, file: "sync")) != nil
    }

    private func rejection(_ object: [String: Any]) -> EventValidationError? {
        let data = try! JSONSerialization.data(withJSONObject: object)
        do {
            _ = try parser.parse(line: Array(data), lineNumber: 1, file: "sync")
            return nil
        } catch {
            return error
        }
    }

    func testSchemasNameExactlyTheSwiftEventTypes() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: schemas.path)
            .filter { $0.hasSuffix(".schema.json") }.map { String($0.dropLast(".schema.json".count)) }
        XCTAssertEqual(Set(names), Set(EventType.allCases.map(\.rawValue)))
        XCTAssertEqual(names.count, 33)
    }

    func testRequiredFieldsAndEnumsAgreeWithTheParser() throws {
        let events = try corpus()
        for type in EventType.allCases {
            let schema = try json(schemas.appendingPathComponent("\(type.rawValue).schema.json"))
            let required = Set(schema["required"] as? [String] ?? [])
            let properties = try XCTUnwrap(schema["properties"] as? [String: Any])
            let defs = schema["$defs"] as? [String: Any] ?? [:]
            let samples = events.filter { $0["type"] as? String == type.rawValue }
            XCTAssertFalse(samples.isEmpty, "the valid corpus has a \(type.rawValue)")
            for sample in samples {
                XCTAssertTrue(accepts(sample), "\(type.rawValue) sample accepted")
                var data = sample["data"] as! [String: Any]
                for field in data.keys {
                    var without = sample
                    data = sample["data"] as! [String: Any]
                    data.removeValue(forKey: field)
                    without["data"] = data
                    XCTAssertEqual(!accepts(without), required.contains(field),
                                   "\(type.rawValue).\(field): required in the schema iff the parser requires it")
                }
                var extra = sample
                data = sample["data"] as! [String: Any]
                data["notInTheCatalog"] = 1
                extra["data"] = data
                XCTAssertEqual(rejection(extra)?.field, "data.notInTheCatalog")
            }
            for (field, spec) in properties {
                var spec = spec as? [String: Any] ?? [:]
                if let ref = spec["$ref"] as? String, ref.hasPrefix("#/$defs/") {
                    spec = defs[String(ref.dropFirst("#/$defs/".count))] as? [String: Any] ?? [:]
                }
                guard let values = spec["enum"] as? [String],
                    var sample = samples.first(where: { ($0["data"] as? [String: Any])?[field] is String })
                else { continue }
                var data = sample["data"] as! [String: Any]
                for value in values {
                    data[field] = value
                    sample["data"] = data
                    XCTAssertTrue(accepts(sample), "\(type.rawValue).\(field) = \(value) is in the schema's enum")
                }
                data[field] = "not_a_value"
                sample["data"] = data
                XCTAssertEqual(rejection(sample)?.field, "data.\(field)", "\(type.rawValue).\(field) outside the enum")
            }
        }
    }

    func testTheInvalidCorpusIsRejectedOnTheExpectedField() throws {
        let lines = try String(contentsOf: fixtures.appendingPathComponent("invalid.ndjson"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false)
        let expectations = try String(contentsOf: fixtures.appendingPathComponent("invalid.expect.tsv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
        XCTAssertGreaterThan(expectations.count, 40)
        for row in expectations {
            let number = Int(row[0])!
            let field = String(row[1])
            do {
                _ = try parser.parse(line: Array(lines[number - 1].utf8), lineNumber: number, file: "invalid.ndjson")
                XCTFail("line \(number) (\(row[2])) accepted")
            } catch {
                if !field.isEmpty {
                    // The parser writes list items as `memberIds[1]` and names a bad map key by its map.
                    let reported = error.field.replacingOccurrences(of: "[", with: ".").replacingOccurrences(of: "]", with: "")
                    XCTAssertTrue(reported == field || field.hasPrefix(reported + "."), "line \(number): \(error)")
                }
                XCTAssertTrue(error.description.hasPrefix("invalid.ndjson:\(number): "), error.description)
            }
        }
    }

    func testTheValidCorpusRoundTripsThroughTheBinaryCodec() throws {
        let text = try String(contentsOf: fixtures.appendingPathComponent("valid.ndjson"), encoding: .utf8)
        for (index, line) in text.split(separator: "\n").enumerated() {
            let event = try parser.parse(line: Array(line.utf8), lineNumber: index + 1, file: "valid.ndjson")
            let decoded = try EventCodec.decode(EventCodec.encode(event), id: event.id)
            XCTAssertEqual(decoded, event, "line \(index + 1)")
            XCTAssertEqual(decoded.ndjson(), event.ndjson())
        }
    }
}
