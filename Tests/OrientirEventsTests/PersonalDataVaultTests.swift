import Testing
@testable import OrientirEvents

@Suite struct PersonalDataVaultTests {
    let line = Fixtures.samples.first { $0.type == .personalDataRecorded }!.line

    @Test func sealUnsealAndForget() throws {
        let directory = temporaryDirectory() + "/keys"
        let vault = try PersonalDataVault(directory: directory)
        let event = try Fixtures.event(line)
        let sealed = try vault.seal(event)
        guard case .sealedPersonalData(let data) = sealed.data, case .personalDataRecorded(let clear) = event.data else {
            Issue.record("not sealed")
            return
        }
        #expect(data.personId == "p-1")
        #expect(sealed.stream == "person-p-1")
        #expect(sealed.type == .personalDataRecorded)
        #expect(!data.box.contains(subsequence: Array("Иванов".utf8)))
        #expect(try vault.unseal(sealed) == .clear(clear))
        #expect(try vault.readOut(sealed).contains(#""data":{"personId":"p-1","sealed":true}"#))
        #expect(try vault.readOut(sealed, reveal: true) == line)

        // The sealed event goes through the log's codec.
        let decoded = try EventCodec.decode(EventCodec.encode(sealed), id: sealed.id)
        #expect(decoded == sealed)

        // Same content, new ciphertext, same idempotency key.
        let again = try vault.seal(event)
        #expect(again != sealed)
        #expect(try vault.idempotencyKey(again) == vault.idempotencyKey(sealed))
        #expect(try vault.idempotencyKey(event) == vault.idempotencyKey(sealed))

        // A reopened vault reads the keystore.
        #expect(try PersonalDataVault(directory: directory).unseal(sealed) == .clear(clear))

        let keyBytes = try #require(keyHex(in: directory, personId: "p-1"))
        try vault.forget("p-1")
        #expect(vault.isForgotten("p-1"))
        #expect(try vault.unseal(decoded) == .forgotten(personId: "p-1"))
        #expect(try vault.readOut(sealed, reveal: true).contains(#""data":{"personId":"p-1","forgotten":true}"#))
        #expect(throws: PersonalDataVaultError.forgotten("p-1")) { try vault.seal(event) }
        for name in files(in: directory) {
            let content = readFile(directory + "/" + name) ?? []
            #expect(!content.contains(subsequence: Array(keyBytes.utf8)), "key still in \(name)")
        }
        let reopened = try PersonalDataVault(directory: directory)
        #expect(reopened.isForgotten("p-1"))
        #expect(try reopened.unseal(sealed) == .forgotten(personId: "p-1"))
    }

    @Test func sealedBoxIsBoundToItsEvent() throws {
        let vault = try PersonalDataVault(directory: temporaryDirectory())
        var sealed = try vault.seal(try Fixtures.event(line))
        sealed.id = EventID("00000000-0000-4000-8000-000000000000")!
        #expect(throws: PersonalDataVaultError.self) { try vault.unseal(sealed) }
    }

    @Test func deferredSaveWritesTheKeystoreOnce() throws {
        let directory = temporaryDirectory() + "/keys"
        let vault = try PersonalDataVault(directory: directory)
        let template = try Fixtures.event(line)
        guard case .personalDataRecorded(var data) = template.data else {
            Issue.record("not personal data")
            return
        }
        var sealed: [Event] = []
        for index in 0..<200 {
            var event = template
            event.id = EventID(high: 0x5f0c_8a9e_2b1d_4c55, low: 0x9a51_0000_0000_0000 | UInt64(index))
            data.personId = "p-\(index % 100)"
            event.data = .personalDataRecorded(data)
            sealed.append(try vault.seal(event, deferSave: true))
        }
        // Nothing written yet: another vault on the directory knows none of the keys.
        #expect(keyHex(in: directory, personId: "p-0") == nil)
        #expect(throws: PersonalDataVaultError.missingKey("p-0")) {
            try PersonalDataVault(directory: directory).unseal(sealed[0])
        }
        // This vault opens them from memory.
        guard case .clear(let clear) = try vault.unseal(sealed[150]) else {
            Issue.record("not clear")
            return
        }
        #expect(clear.personId == "p-50")

        try vault.saveIfNeeded()
        let content = readFile(directory + "/personal.keys")
        #expect(keyHex(in: directory, personId: "p-99") != nil)
        let reopened = try PersonalDataVault(directory: directory)
        for event in sealed {
            guard case .clear = try reopened.unseal(event) else {
                Issue.record("not clear after save")
                return
            }
        }
        // Nothing new: no write. Known people need no new key, so nothing to save either.
        try vault.saveIfNeeded()
        _ = try vault.seal(template, deferSave: true)
        try vault.saveIfNeeded()
        #expect(readFile(directory + "/personal.keys") == content)

        // A deferred key is saved by a later immediate save too (`forget`, or `seal` without deferring).
        data.personId = "p-late"
        var late = template
        late.data = .personalDataRecorded(data)
        let lateSealed = try vault.seal(late, deferSave: true)
        try vault.forget("p-0")
        #expect(try PersonalDataVault(directory: directory).unseal(lateSealed) == .clear(data))
    }

    func keyHex(in directory: String, personId: String) -> String? {
        let text = String(decoding: readFile(directory + "/personal.keys") ?? [], as: UTF8.self)
        return text.split(separator: "\n").first { $0.hasPrefix("key \(personId) ") }?.split(separator: " ").last.map(String.init)
    }
}

extension Array where Element == UInt8 {
    func contains(subsequence: [UInt8]) -> Bool {
        guard !subsequence.isEmpty, subsequence.count <= count else { return false }
        return (0...(count - subsequence.count)).contains { self[$0..<($0 + subsequence.count)].elementsEqual(subsequence) }
    }
}
