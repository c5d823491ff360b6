import Crypto
import Synchronization

/// Seals `PersonalDataRecorded` with one AES-GCM-256 key per person, kept in a keystore file outside the log
/// (EVENTS.md §4), and destroys a person's key on erasure.
///
/// ```swift
/// let vault = try PersonalDataVault(directory: store + "/keys")   // <store>/keys/personal.keys
/// let sealed = try vault.seal(event)            // data: personId in clear, the rest ciphertext
/// try vault.unseal(sealed)                      // .clear(PersonalDataRecorded)
/// try vault.forget("p-000123")                  // key destroyed, keystore rewritten
/// try vault.unseal(sealed)                      // .forgotten("p-000123")
/// ```
///
/// The keystore is a text file: a `orientir-personal-keys 1` line, then `key <personId> <hex>` and
/// `forgotten <personId>` lines. It is replaced whole on every change (temporary file, fsync, rename, fsync of the
/// directory), and the old file's bytes are overwritten with zeros first, so a destroyed key is in no file of the
/// directory afterwards. (Copies a file system or disk may keep below the file level are out of its reach.)
public final class PersonalDataVault: Sendable {
    /// Path of the keystore file.
    public let path: String
    private let state: Mutex<Keys>

    private struct Keys {
        var keys: [String: SymmetricKey] = [:]
        var forgotten: Set<String> = []
        /// Keys were created with `deferSave` and are not in the keystore file yet.
        var unsaved = false
    }

    private static let magic = "orientir-personal-keys 1"

    /// Opens (or starts) the keystore `personal.keys` in `directory`, creating the directory if needed.
    public init(directory: String) throws(PersonalDataVaultError) {
        try KeystoreFile.createDirectory(directory)
        path = directory + "/personal.keys"
        let keys = try PersonalDataVault.load(path)
        state = Mutex(keys)
    }

    /// Whether `personId`'s key was destroyed.
    public func isForgotten(_ personId: String) -> Bool {
        state.withLock { $0.forgotten.contains(personId) }
    }

    /// Seals a `PersonalDataRecorded` event (other events come back unchanged), creating the person's key if
    /// needed and saving it before returning. Sealing data of a forgotten person is an error.
    public func seal(_ event: Event) throws(PersonalDataVaultError) -> Event {
        try seal(event, deferSave: false)
    }

    /// Seals like ``seal(_:)``; with `deferSave`, a newly created key is kept in memory only and the keystore is
    /// written later by ``saveIfNeeded()`` — one write (and fsync) for a whole batch instead of one per new person.
    ///
    /// - Important: until ``saveIfNeeded()`` returns, the keys of events sealed this way exist only in this
    ///   process: the caller must save **before** the sealed events become durable (before appending them to the
    ///   log), or a crash would leave ciphertext that nothing can open.
    ///
    /// ```swift
    /// let sealed = try events.map { try vault.seal($0, deferSave: true) }
    /// try vault.saveIfNeeded()          // once, then append `sealed`
    /// ```
    public func seal(_ event: Event, deferSave: Bool) throws(PersonalDataVaultError) -> Event {
        guard case .personalDataRecorded(let data) = event.data else { return event }
        let key = try key(for: data.personId, create: true, deferSave: deferSave)!
        let plaintext = PersonalDataVault.canonicalPlaintext(data)
        let box: AES.GCM.SealedBox
        do {
            box = try AES.GCM.seal(plaintext, using: key, authenticating: associatedData(event.id, data.personId))
        } catch {
            throw .crypto("\(error)")
        }
        var sealed = event
        sealed.data = .sealedPersonalData(
            SealedPersonalData(
                personId: data.personId, box: Array(box.combined!),
                contentKey: PersonalDataVault.contentKey(plaintext, key)))
        return sealed
    }

    /// Opens a sealed event: its clear data, or `.forgotten` once the person's key is destroyed.
    public func unseal(_ event: Event) throws(PersonalDataVaultError) -> PersonalDataReadOut {
        switch event.data {
        case .personalDataRecorded(let data):
            return .clear(data)
        case .sealedPersonalData(let sealed):
            guard let key = try key(for: sealed.personId, create: false) else {
                if isForgotten(sealed.personId) { return .forgotten(personId: sealed.personId) }
                throw .missingKey(sealed.personId)
            }
            let plaintext: [UInt8]
            do {
                let box = try AES.GCM.SealedBox(combined: sealed.box)
                plaintext = Array(
                    try AES.GCM.open(box, using: key, authenticating: associatedData(event.id, sealed.personId)))
            } catch {
                throw .crypto("sealed data of event \(event.id) does not open: \(error)")
            }
            let personal = try PersonalDataVault.decodePlaintext(plaintext, personId: sealed.personId)
            return .clear(personal)
        default:
            throw .notPersonalData(event.type)
        }
    }

    /// The NDJSON read-out of an event: a sealed one as `{"personId":…,"sealed":true}` (or `"forgotten":true`), or
    /// with its clear data when `reveal` is set and the person is not forgotten.
    public func readOut(_ event: Event, reveal: Bool = false) throws(PersonalDataVaultError) -> String {
        guard case .sealedPersonalData(let sealed) = event.data else { return event.ndjson() }
        if isForgotten(sealed.personId) { return event.ndjson(sealedAs: .forgotten) }
        guard reveal else { return event.ndjson(sealedAs: .sealed) }
        guard case .clear(let data) = try unseal(event) else { return event.ndjson(sealedAs: .forgotten) }
        var clear = event
        clear.data = .personalDataRecorded(data)
        return clear.ndjson()
    }

    /// Writes the keystore if keys were created with `deferSave` since it was last written; otherwise does nothing.
    public func saveIfNeeded() throws(PersonalDataVaultError) {
        try state.withLock { keys throws(PersonalDataVaultError) in
            guard keys.unsaved else { return }
            try KeystoreFile.replace(path, with: PersonalDataVault.serialize(keys))
            keys.unsaved = false
        }
    }

    /// Destroys `personId`'s key and rewrites the keystore without it (and with any keys whose save was
    /// deferred); the id is kept in the forgotten list.
    public func forget(_ personId: String) throws(PersonalDataVaultError) {
        try state.withLock { keys throws(PersonalDataVaultError) in
            var next = keys
            next.keys[personId] = nil
            next.forgotten.insert(personId)
            try KeystoreFile.replace(path, with: PersonalDataVault.serialize(next))
            next.unsaved = false
            keys = next
        }
    }

    /// A key for recognising re-ingested content: for a sealed event its stored content key; for a clear
    /// `PersonalDataRecorded` the HMAC-SHA256 of its canonical plaintext under the person's key (`nil` if the
    /// person has no key yet). Equal content gives equal keys although ciphertexts differ.
    public func idempotencyKey(_ event: Event) throws(PersonalDataVaultError) -> [UInt8]? {
        switch event.data {
        case .sealedPersonalData(let sealed):
            return sealed.contentKey
        case .personalDataRecorded(let data):
            guard let key = try key(for: data.personId, create: false) else { return nil }
            return PersonalDataVault.contentKey(PersonalDataVault.canonicalPlaintext(data), key)
        default:
            return nil
        }
    }

    // MARK: Keys

    private func key(for personId: String, create: Bool, deferSave: Bool = false) throws(PersonalDataVaultError)
        -> SymmetricKey?
    {
        try state.withLock { keys throws(PersonalDataVaultError) in
            if let key = keys.keys[personId] { return key }
            guard create else { return nil }
            guard !keys.forgotten.contains(personId) else { throw .forgotten(personId) }
            let key = SymmetricKey(size: .bits256)
            if deferSave {
                keys.keys[personId] = key
                keys.unsaved = true
                return key
            }
            var next = keys
            next.keys[personId] = key
            try KeystoreFile.replace(path, with: PersonalDataVault.serialize(next))
            next.unsaved = false
            keys = next
            return key
        }
    }

    private static func load(_ path: String) throws(PersonalDataVaultError) -> Keys {
        // The temporary file is complete once fsynced; it stands in when the main file was shredded mid-replace.
        for candidate in [path, path + ".tmp"] {
            if let content = KeystoreFile.contents(of: candidate), let keys = parse(content) { return keys }
        }
        if KeystoreFile.contents(of: path).map({ $0.contains { $0 != 0 } }) == true {
            throw .corruptKeystore(path)
        }
        return Keys()
    }

    private static func serialize(_ keys: Keys) -> [UInt8] {
        var bytes = Array((magic + "\n").utf8)
        bytes.reserveCapacity(keys.keys.count * 100 + keys.forgotten.count * 30 + 32)
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        for (personId, key) in keys.keys.sorted(by: { $0.key < $1.key }) {
            bytes.append(contentsOf: "key ".utf8)
            bytes.append(contentsOf: personId.utf8)
            bytes.append(UInt8(ascii: " "))
            key.withUnsafeBytes { raw in
                for byte in raw {
                    bytes.append(digits[Int(byte >> 4)])
                    bytes.append(digits[Int(byte & 0xF)])
                }
            }
            bytes.append(UInt8(ascii: "\n"))
        }
        for personId in keys.forgotten.sorted() {
            bytes.append(contentsOf: "forgotten ".utf8)
            bytes.append(contentsOf: personId.utf8)
            bytes.append(UInt8(ascii: "\n"))
        }
        return bytes
    }

    private static func parse(_ content: [UInt8]) -> Keys? {
        let lines = String(decoding: content, as: UTF8.self).split(separator: "\n")
        guard lines.first == Substring(magic) else { return nil }
        var keys = Keys()
        for line in lines.dropFirst() {
            let parts = line.split(separator: " ")
            switch (parts.first, parts.count) {
            case ("key", 3):
                guard let bytes = unhex(parts[2]), bytes.count == 32 else { return nil }
                keys.keys[String(parts[1])] = SymmetricKey(data: bytes)
            case ("forgotten", 2):
                keys.forgotten.insert(String(parts[1]))
            default:
                return nil
            }
        }
        return keys
    }

    // MARK: Plaintext

    /// The canonical binary encoding of the data's fields (the codec's field encoding), so equal content gives
    /// equal bytes.
    static func canonicalPlaintext(_ data: PersonalDataRecorded) -> [UInt8] {
        ByteBuffer.withScratch(size: 512) { buffer in
            buffer.append(0)
            let presence = withUnsafeMutablePointer(to: &buffer) { pointer in
                var fields = BinaryFieldWriter(writer: pointer, fields: PersonalDataRecorded.fields)
                data.visitFields(&fields)
                return fields.presence
            }
            buffer.set(presence, at: 0)
            return [UInt8](buffer.bytes)
        }
    }

    static func decodePlaintext(_ bytes: [UInt8], personId: String) throws(PersonalDataVaultError) -> PersonalDataRecorded {
        let event: EventData
        do {
            event = try bytes.withUnsafeBytes { buffer throws(EventCodecError) in
                var reader = BinaryReader(bytes: buffer)
                let data = try reader.data(.personalDataRecorded)
                guard reader.isAtEnd else { throw EventCodecError("bytes after the sealed data") }
                return data
            }
        } catch {
            throw .crypto("sealed data is not personal data: \(error)")
        }
        guard case .personalDataRecorded(let data) = event, data.personId == personId else {
            throw .crypto("sealed data belongs to another person")
        }
        return data
    }

    private static func contentKey(_ plaintext: [UInt8], _ key: SymmetricKey) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: plaintext, using: key))
    }
}

/// The associated data of a seal: the event id and the person, so a box cannot be moved to another event.
private func associatedData(_ id: EventID, _ personId: String) -> [UInt8] {
    id.bytes + Array(personId.utf8)
}

private func unhex(_ text: Substring) -> [UInt8]? {
    let utf8 = Array(text.utf8)
    guard utf8.count % 2 == 0 else { return nil }
    var bytes: [UInt8] = []
    for index in stride(from: 0, to: utf8.count, by: 2) {
        guard let high = hexValue(utf8[index]), let low = hexValue(utf8[index + 1]) else { return nil }
        bytes.append(high << 4 | low)
    }
    return bytes
}

/// What reading a person's sealed data gives.
public enum PersonalDataReadOut: Sendable, Hashable {
    case clear(PersonalDataRecorded)
    /// The person's key was destroyed: the data is gone for good.
    case forgotten(personId: String)
}

/// Failures of the personal-data vault.
public enum PersonalDataVaultError: Error, Sendable, Hashable, CustomStringConvertible {
    case io(String, Int32)
    case corruptKeystore(String)
    case forgotten(String)
    case missingKey(String)
    case notPersonalData(EventType)
    case crypto(String)

    public var description: String {
        switch self {
        case .io(let operation, let code): "keystore: cannot \(operation) (errno \(code))"
        case .corruptKeystore(let path): "\(path): not a personal-data keystore"
        case .forgotten(let personId): "\(personId) is forgotten: personal data cannot be recorded again"
        case .missingKey(let personId): "no key for \(personId) in the keystore"
        case .notPersonalData(let type): "\(type) carries no personal data"
        case .crypto(let message): message
        }
    }
}
