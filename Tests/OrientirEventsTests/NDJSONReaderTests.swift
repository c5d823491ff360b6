import Testing
@testable import OrientirEvents

@Suite struct NDJSONReaderTests {
    func lines(_ bytes: [UInt8], chunkSize: Int) throws -> [(Int, String)] {
        var offset = 0
        var result: [(Int, String)] = []
        try NDJSONReader.forEachLine(reading: { buffer in
            let count = min(buffer.count, bytes.count - offset, 5)
            buffer.copyBytes(from: bytes[offset..<(offset + count)])
            offset += count
            return count
        }, chunkSize: chunkSize) { number, line in
            result.append((number, String(decoding: line, as: UTF8.self)))
        }
        return result
    }

    @Test(arguments: [16, 17, 64, 4 << 20])
    func bomCRLFAndBlankLinesAcrossChunkEdges(chunkSize: Int) throws {
        let text = "\u{FEFF}{\"a\":1}\r\n\r\n   \n{\"b\":\"a long line that is longer than the sixteen byte chunk\"}\n{\"c\":3}"
        let result = try lines(Array(text.utf8), chunkSize: chunkSize)
        #expect(result.map(\.0) == [1, 4, 5])
        #expect(result.map(\.1) == [#"{"a":1}"#, #"{"b":"a long line that is longer than the sixteen byte chunk"}"#, #"{"c":3}"#])
    }

    @Test func readsAFileAndParsesEveryLine() throws {
        let path = "/tmp/orientir-events-reader-\(UInt32.random(in: 0...UInt32.max)).ndjson"
        let content = Fixtures.samples.map(\.line).joined(separator: "\r\n") + "\r\n"
        try writeFile(path, Array(content.utf8))
        defer { removeFile(path) }
        var count = 0
        try NDJSONReader.forEachLine(inFile: path, chunkSize: 100) { number, line in
            count += 1
            let event = try EventParser().parse(line: line, lineNumber: number, file: path)
            #expect(event.type == Fixtures.samples[number - 1].type)
        }
        #expect(count == 33)
    }

    @Test func missingFileIsAnError() {
        #expect(throws: NDJSONReaderError.self) {
            try NDJSONReader.forEachLine(inFile: "/nonexistent/file.ndjson") { _, _ in }
        }
    }
}
