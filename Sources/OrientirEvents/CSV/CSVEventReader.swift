/// Reads events of one flat type (no lists or maps in its `data`) from CSV (RFC 4180).
///
/// The first row names the columns: any of the envelope fields `id`, `schema`, `occurredAt`, `region`,
/// `municipality`, `source`, and the type's `data` fields by name, in any order. The type itself is not a
/// column: it is given to the reader, one type per file. An empty cell is an absent field. Every row is turned into
/// the NDJSON line it stands for and validated by ``EventParser``, so errors read the same:
/// `trials.csv:7: data.hours: 0 must be greater than 0`.
///
/// ```swift
/// let reader = try CSVEventReader(type: .careerTrialCompleted)
/// let events = try reader.parse(text, file: "trials.csv")
/// ```
public struct CSVEventReader: Sendable {
    public let type: EventType
    private let parser = EventParser()

    /// Fails when the type has list or map fields.
    public init(type: EventType) throws(EventValidationError) {
        guard type.isFlat else {
            throw EventValidationError(
                code: .malformedCSV, file: "", line: 0, field: "type",
                rule: "\(type) has list or map fields and cannot be read from CSV")
        }
        self.type = type
    }

    /// Parses every row of `text`; the first error stops the file (imports are all or nothing).
    public func parse(_ text: String, file: String) throws(EventValidationError) -> [Event] {
        var events: [Event] = []
        try forEachEvent(in: text, file: file) { event in events.append(event) }
        return events
    }

    /// Calls `body` with each row's event in order.
    public func forEachEvent(
        in text: String, file: String, _ body: (Event) throws(EventValidationError) -> Void
    ) throws(EventValidationError) {
        var records = CSVRecords(text)
        guard let header = try records.next(file: file) else { return }
        let columns = try header.cells.map { name throws(EventValidationError) in
            try column(named: name, file: file, line: header.line)
        }
        var seen = Set<String>()
        for name in header.cells where !seen.insert(name).inserted {
            throw EventValidationError(
                code: .malformedCSV, file: file, line: header.line, field: name, rule: "the column is repeated")
        }
        while let record = try records.next(file: file) {
            guard record.cells.count == columns.count else {
                throw EventValidationError(
                    code: .malformedCSV, file: file, line: record.line, field: "line",
                    rule: "\(record.cells.count) cells where the header names \(columns.count) columns")
            }
            let line = jsonLine(record.cells, columns)
            try body(try parser.parse(line: line, lineNumber: record.line, file: file))
        }
    }

    private enum Column {
        case envelope(String, isNumber: Bool)
        case data(FieldSpec)
    }

    private func column(named name: String, file: String, line: Int) throws(EventValidationError) -> Column {
        switch name {
        case "id", "occurredAt", "region", "municipality", "source": return .envelope(name, isNumber: false)
        case "schema": return .envelope(name, isNumber: true)
        default:
            guard let field = type.fields.first(where: { $0.name == name }) else {
                throw EventValidationError(
                    code: .unknownField, file: file, line: line, field: name,
                    rule: "is not an envelope field or a field of \(type)")
            }
            return .data(field)
        }
    }

    /// The NDJSON line a row stands for: numbers and booleans unquoted when they look like them, so a cell that
    /// does not gets the parser's "must be a number" message.
    private func jsonLine(_ cells: [String], _ columns: [Column]) -> [UInt8] {
        var envelope: [UInt8] = [UInt8(ascii: "{")]
        appendJSONString("type", to: &envelope)
        envelope.append(UInt8(ascii: ":"))
        appendJSONString(type.rawValue, to: &envelope)
        var data: [UInt8] = []
        for (cell, column) in zip(cells, columns) where !cell.isEmpty {
            switch column {
            case .envelope(let name, let isNumber):
                envelope.append(UInt8(ascii: ","))
                appendJSONString(name, to: &envelope)
                envelope.append(UInt8(ascii: ":"))
                appendCell(cell, bare: isNumber && looksLikeNumber(cell), to: &envelope)
            case .data(let field):
                data.append(data.isEmpty ? UInt8(ascii: "{") : UInt8(ascii: ","))
                appendJSONString(field.name, to: &data)
                data.append(UInt8(ascii: ":"))
                let bare: Bool =
                    switch field.kind {
                    case .integer, .number: looksLikeNumber(cell)
                    case .bool: cell == "true" || cell == "false"
                    default: false
                    }
                appendCell(cell, bare: bare, to: &data)
            }
        }
        if data.isEmpty { data.append(UInt8(ascii: "{")) }
        data.append(UInt8(ascii: "}"))
        envelope.append(contentsOf: #","data":"#.utf8)
        envelope.append(contentsOf: data)
        envelope.append(UInt8(ascii: "}"))
        return envelope
    }

    private func appendCell(_ cell: String, bare: Bool, to buffer: inout [UInt8]) {
        if bare { buffer.append(contentsOf: cell.utf8) } else { appendJSONString(cell, to: &buffer) }
    }

    private func looksLikeNumber(_ cell: String) -> Bool {
        var cell = cell
        return cell.withUTF8 { utf8 in
            var cursor = JSONCursor(UnsafeRawBufferPointer(utf8))
            guard (try? cursor.readNumber("")) != nil else { return false }
            return cursor.isAtEnd
        }
    }
}

/// RFC 4180 records: comma-separated, `"`-quoted cells with `""` for a quote, CRLF or LF line ends, a leading
/// byte-order mark skipped, blank lines skipped. Each record knows the line it starts on.
struct CSVRecords {
    struct Record {
        let line: Int
        let cells: [String]
    }

    private let bytes: [UInt8]
    private var position = 0
    private var line = 1

    init(_ text: String) {
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        self.bytes = bytes
    }

    mutating func next(file: String) throws(EventValidationError) -> Record? {
        while position < bytes.count, bytes[position] == 0x0A || bytes[position] == 0x0D {
            if bytes[position] == 0x0A { line += 1 }
            position += 1
        }
        guard position < bytes.count else { return nil }
        let startLine = line
        var cells: [String] = []
        var cell: [UInt8] = []
        while true {
            if position < bytes.count, bytes[position] == UInt8(ascii: "\"") {
                position += 1
                while true {
                    guard position < bytes.count else {
                        throw EventValidationError(
                            code: .malformedCSV, file: file, line: startLine, field: "line",
                            rule: "a quoted cell is not closed")
                    }
                    let byte = bytes[position]
                    position += 1
                    if byte == UInt8(ascii: "\"") {
                        if position < bytes.count, bytes[position] == UInt8(ascii: "\"") {
                            cell.append(byte)
                            position += 1
                        } else {
                            break
                        }
                    } else {
                        if byte == 0x0A { line += 1 }
                        cell.append(byte)
                    }
                }
            } else {
                while position < bytes.count, bytes[position] != UInt8(ascii: ","), bytes[position] != 0x0A,
                    bytes[position] != 0x0D
                {
                    guard bytes[position] != UInt8(ascii: "\"") else {
                        throw EventValidationError(
                            code: .malformedCSV, file: file, line: line, field: "line",
                            rule: "a quote inside an unquoted cell")
                    }
                    cell.append(bytes[position])
                    position += 1
                }
            }
            guard let text = String(validating: cell, as: UTF8.self) else {
                throw EventValidationError(
                    code: .invalidUTF8, file: file, line: line, field: "line", rule: "invalid UTF-8")
            }
            cells.append(text)
            cell.removeAll(keepingCapacity: true)
            if position >= bytes.count { break }
            let byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: ",") { continue }
            if byte == 0x0D, position < bytes.count, bytes[position] == 0x0A { position += 1 }
            guard byte == 0x0A || byte == 0x0D else {
                throw EventValidationError(
                    code: .malformedCSV, file: file, line: line, field: "line",
                    rule: "text after a quoted cell")
            }
            line += 1
            break
        }
        return Record(line: startLine, cells: cells)
    }
}
