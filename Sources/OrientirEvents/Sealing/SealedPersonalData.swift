/// `PersonalDataRecorded` as stored: `personId` in clear, everything else sealed with the person's key.
///
/// Produced and opened by ``PersonalDataVault``. Rendered as NDJSON it reads
/// `{"personId":"p-000123","sealed":true}`.
public struct SealedPersonalData: Sendable, Hashable {
    /// The person, in clear, so that the stream and the key can be found.
    public let personId: String
    /// AES-GCM combined form: 12-byte nonce, ciphertext, 16-byte tag. Associated data binds it to the event id.
    public let box: [UInt8]
    /// HMAC-SHA256 under the person's key over the canonical plaintext: equal for equal content.
    public let contentKey: [UInt8]

    public init(personId: String, box: [UInt8], contentKey: [UInt8]) {
        self.personId = personId
        self.box = box
        self.contentKey = contentKey
    }
}
