import Foundation
import Testing
@testable import OrientirEvents

/// The transcoder (``EncodedEvent`` rendered into an ``NDJSONBuffer``) against the Event-based rendering.
@Suite struct EncodedEventTests {
    /// Every line of the valid corpus (every event type), parsed.
    static let corpus: [Event] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/events/valid.ndjson")
        let text = try! String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n").map { try! Fixtures.event(String($0)) }
    }()

    /// What the transcoder writes for the encoding of `event`.
    private func transcoded(_ event: Event, sealedAs readOut: SealedReadOut = .sealed) throws -> String {
        let bytes = EventCodec.encode(event)
        return try bytes.withUnsafeBytes { payload in
            var lines = NDJSONBuffer(capacity: 16)
            try lines.append(EncodedEvent(payload, id: event.id), sealedAs: readOut)
            return lines.withBytes { String(decoding: $0, as: UTF8.self) }
        }
    }

    @Test func corpusCoversEveryType() {
        #expect(Set(Self.corpus.map(\.type)) == Set(EventType.allCases))
    }

    @Test(arguments: corpus)
    func transcodesLikeTheEvent(event: Event) throws {
        #expect(try transcoded(event) == event.ndjson())
        let decoded = try EventCodec.encode(event).withUnsafeBytes { try EncodedEvent($0, id: event.id).decoded() }
        #expect(decoded == event)
    }

    @Test(arguments: Fixtures.samples.map(\.line))
    func transcodesEverySample(line: String) throws {
        let event = try Fixtures.event(line)
        #expect(try transcoded(event) == line)
    }

    @Test func sealedPersonalDataReadsOutSealedOrForgotten() throws {
        let vault = try PersonalDataVault(directory: temporaryDirectory() + "/keys")
        let line = Fixtures.samples.first { $0.type == .personalDataRecorded }!.line
        let sealed = try vault.seal(Fixtures.event(line))
        #expect(try transcoded(sealed) == sealed.ndjson(sealedAs: .sealed))
        #expect(try transcoded(sealed, sealedAs: .forgotten) == sealed.ndjson(sealedAs: .forgotten))
        try EventCodec.encode(sealed).withUnsafeBytes { payload in
            let encoded = try EncodedEvent(payload, id: sealed.id)
            #expect(encoded.sealedPersonId == "p-1")
            #expect(try encoded.decoded() == sealed)
        }
        let clear = try Fixtures.event(line)
        try EventCodec.encode(clear).withUnsafeBytes { payload in
            let encoded = try EncodedEvent(payload, id: clear.id)
            #expect(encoded.sealedPersonId == nil)
        }
    }

    @Test func stringsNeedingEscapesAtEveryOffset() throws {
        // The eight-byte fast path of appendJSONString meets escapes at each position of a word, and its tail.
        for length in 1...20 {
            for offset in 0..<length {
                for special in ["\"", "\\", "\n", "\u{01}", "\u{1F}", "ё"] {
                    var characters = Array(repeating: "a", count: length)
                    characters[offset] = special
                    let reason = characters.joined()
                    let data = #"{"agreementId":"a","partnerOrgId":"p","reason":"# + jsonString(reason) + "}"
                    let line = Fixtures.line("AgreementEnded", data)
                    let event = try Fixtures.event(line)
                    #expect(try transcoded(event) == line)
                }
            }
        }
    }

    @Test func integersAtTheirBounds() throws {
        for value in [0, 9, 10, 99, 100, 101, 999_999, 1_000_000, Int.max, -1, -10, -12_345, Int.min] {
            let text = ByteBuffer.withScratch { buffer in
                buffer.appendDecimal(value)
                return String(decoding: buffer.bytes, as: UTF8.self)
            }
            #expect(text == String(value))
        }
    }

    @Test func damagedPayloadThrowsAndLeavesTheBufferAsItWas() throws {
        let event = try Fixtures.event(Fixtures.samples[16].line)
        let bytes = EventCodec.encode(event)
        var lines = NDJSONBuffer(capacity: 16)
        lines.append("x")
        for damaged in [Array(bytes.dropLast()), Array(bytes.dropLast(5)), Array(bytes.prefix(20)), bytes + [0]] {
            #expect(throws: EventCodecError.self) { try append(damaged, id: event.id, to: &lines) }
            #expect(lines.count == 1)
        }
    }

    private func append(_ bytes: [UInt8], id: EventID, to lines: inout NDJSONBuffer) throws {
        try bytes.withUnsafeBytes { payload in try lines.append(EncodedEvent(payload, id: id)) }
    }

    /// `text` as a JSON string, escaped the way the writer escapes it.
    private func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
