import Testing
@testable import OrientirEvents

/// The binary codec relies on one-byte codes equal to the position in `allCases`; these checks keep the fast
/// conversions honest.
@Suite struct InternalTablesTests {
    @Test func eventTypeCodesArePositions() {
        #expect(EventType.allCases.count == EventType.count)
        for (index, type) in EventType.allCases.enumerated() {
            #expect(Int(type.code) == index)
            #expect(EventType(validCode: UInt8(index)) == type)
            #expect(Array(type.rawValue.utf8).withUnsafeBytes { EventType(utf8: $0) } == type)
        }
    }

    @Test func enumOrdinalsArePositions() {
        func check<E: CatalogEnum>(_ type: E.Type) {
            #expect(E.vocabulary.count == E.allCases.count)
            for (index, value) in E.allCases.enumerated() {
                #expect(Int(value.ordinal) == index)
                #expect(E(validOrdinal: UInt8(index)) == value)
                let matched = Array(value.rawValue.utf8).withUnsafeBytes { E.vocabulary.ordinal(of: $0) }
                #expect(matched == UInt8(index))
            }
            #expect(Array("nope".utf8).withUnsafeBytes { E.vocabulary.ordinal(of: $0) } == nil)
        }
        check(OrganisationKind.self); check(Direction.self); check(Level.self); check(CompetitionResult.self)
        check(MentorKind.self); check(MentorshipForm.self); check(StaffRole.self); check(ProgrammeKind.self)
        check(TrialMode.self); check(AgreementKind.self); check(ProgrammeResult.self); check(TrialOutcome.self)
        check(ActivityKind.self); check(ParticipantKind.self); check(MenteeKind.self); check(MentorshipOutcome.self)
        check(TeamLine.self); check(TrainingKind.self); check(ExperienceFormat.self); check(Destination.self)
        check(GraduateProfile.self); check(RespondentKind.self)
    }
}
