/// A JSON value, the generic form of an event's `data` that upcasters transform between schema versions.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses strict JSON text (repeated keys are an error).
    public init(parsing text: String) throws(EventValidationError) {
        var text = text
        let result: Result<JSONValue, Violation> = text.withUTF8 { utf8 in
            var cursor = JSONCursor(UnsafeRawBufferPointer(utf8))
            do throws(Violation) {
                let value = try cursor.readAnyValue("", depth: 0)
                cursor.skipWhitespace()
                guard cursor.isAtEnd else { throw cursor.syntaxError("", "unexpected content after the value") }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        do throws(Violation) { self = try result.get() } catch { throw error.located(file: "json", line: 1) }
    }

    /// Canonical JSON text: object keys sorted by UTF-8 bytes, integral numbers without fraction.
    public var jsonText: String {
        var buffer: [UInt8] = []
        write(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    func write(into buffer: inout [UInt8]) {
        switch self {
        case .null: buffer.append(contentsOf: "null".utf8)
        case .bool(let value): buffer.append(contentsOf: (value ? "true" : "false").utf8)
        case .number(let value): appendNumber(value, to: &buffer)
        case .string(let value): appendJSONString(value, to: &buffer)
        case .array(let items):
            buffer.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { buffer.append(UInt8(ascii: ",")) }
                item.write(into: &buffer)
            }
            buffer.append(UInt8(ascii: "]"))
        case .object(let members):
            buffer.append(UInt8(ascii: "{"))
            for (index, key) in members.keys.sorted(by: utf8Precedes).enumerated() {
                if index > 0 { buffer.append(UInt8(ascii: ",")) }
                appendJSONString(key, to: &buffer)
                buffer.append(UInt8(ascii: ":"))
                members[key]!.write(into: &buffer)
            }
            buffer.append(UInt8(ascii: "}"))
        }
    }
}

extension JSONCursor {
    mutating func readAnyValue(_ path: String, depth: Int) throws(Violation) -> JSONValue {
        skipWhitespace()
        guard depth < 64 else { throw syntaxError(path, "values nested too deeply") }
        switch current {
        case UInt8(ascii: "\""):
            let token = try readString(path)
            return .string(try withDecoded(token) { text throws(Violation) in String(decoding: text, as: UTF8.self) })
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try readNumber(path).value)
        case UInt8(ascii: "t"):
            try readLiteral("true", path)
            return .bool(true)
        case UInt8(ascii: "f"):
            try readLiteral("false", path)
            return .bool(false)
        case UInt8(ascii: "n"):
            try readLiteral("null", path)
            return .null
        case UInt8(ascii: "["):
            var items: [JSONValue] = []
            try readArray(path) { cursor, index throws(Violation) in
                items.append(try cursor.readAnyValue("\(path)[\(index)]", depth: depth + 1))
            }
            return .array(items)
        case UInt8(ascii: "{"):
            var members: [String: JSONValue] = [:]
            try readMap(path) { cursor, key throws(Violation) in
                let name = try cursor.withDecoded(key) { text throws(Violation) in String(decoding: text, as: UTF8.self) }
                let memberPath = path.isEmpty ? name : path + "." + name
                guard members[name] == nil else { throw Violation(.repeatedKey, memberPath, "the key is repeated") }
                members[name] = try cursor.readAnyValue(memberPath, depth: depth + 1)
            }
            return .object(members)
        default:
            throw syntaxError(path, "expected a value")
        }
    }
}

extension EventData {
    /// The data as a generic JSON object (the sealed form gives `personId` and `sealed`).
    public var jsonObject: [String: JSONValue] {
        var buffer: [UInt8] = []
        writeJSON(into: &buffer, sealedAs: .sealed)
        let text = String(decoding: buffer, as: UTF8.self)
        guard case .object(let members) = try? JSONValue(parsing: text) else {
            preconditionFailure("the writer produced invalid JSON: \(text)")
        }
        return members
    }
}
