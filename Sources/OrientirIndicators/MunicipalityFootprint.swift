import OrientirEvents
import OrientirProjections

/// A municipality's footprint (READ_MODELS.md §1): organisations by kind, students by grade for each period, and
/// the indicators of §2 for that scope.
public struct MunicipalityFootprint: Sendable {
    public let municipalityId: String
    public var organisationsByKind: [String: Int] = [:]
    /// period → grade → students (rule 6 scope, the later enrolment deciding).
    public var studentsByGrade: [String: [Int: Int]] = [:]
    public var indicators: [IndicatorRow] = []

    public init(municipalityId: String, facts: IndicatorFacts) {
        self.municipalityId = municipalityId
        guard let municipality = facts.municipalities.id(of: municipalityId) else { return }
        for (org, kind) in facts.organisationKind.enumerated()
        where kind != IndicatorFacts.none && facts.organisationMunicipality[org] == municipality {
            organisationsByKind[OrganisationKind.allCases[Int(kind)].rawValue, default: 0] += 1
        }
        var latest: [UInt64: Enrolment] = [:]
        for enrolment in facts.enrolments {
            latest[UInt64(UInt32(enrolment.person)) << 32 | UInt64(UInt32(enrolment.academicYear))] = enrolment
        }
        for enrolment in latest.values {
            let place = facts.organisationMunicipality[Int(enrolment.school)]
            guard (place != IndicatorFacts.none ? place : enrolment.place.municipality) == municipality else { continue }
            let period = AcademicYear(startYear: Int(enrolment.academicYear)).description
            studentsByGrade[period, default: [:]][Int(enrolment.grade), default: 0] += 1
        }
        indicators = facts.indicators(IndicatorQuery(scope: .municipality(municipalityId)))
    }

    public var json: JSONText {
        let kinds: [(String, JSONText)] = organisationsByKind.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) }
        let students: [(String, JSONText)] = studentsByGrade.sorted { $0.key < $1.key }.map { period, grades in
            let byGrade: [(String, JSONText)] = grades.sorted { $0.key < $1.key }.map { (String($0.key), .int($0.value)) }
            return (period, .object(byGrade))
        }
        return .object([
            ("municipalityId", .string(municipalityId)),
            ("organisationsByKind", .object(kinds)),
            ("studentsByGrade", .object(students)),
            ("indicators", .array(indicators.map(IndicatorOutput.json))),
        ])
    }
}
