// Reference data: municipalities, organisations, professions, agreements, programmes.

/// `MunicipalityRegistered`: A municipality joins the programme.
public struct MunicipalityRegistered: EventPayload {
    public var municipalityId: String
    public var name: String

    public init(municipalityId: String, name: String) {
        self.municipalityId = municipalityId
        self.name = name
    }
}

/// `OrganisationRegistered`: An organisation (school, college, employer, …) is registered.
public struct OrganisationRegistered: EventPayload {
    public var orgId: String
    public var kind: OrganisationKind
    public var name: String

    public init(orgId: String, kind: OrganisationKind, name: String) {
        self.orgId = orgId
        self.kind = kind
        self.name = name
    }
}

/// `ProfessionListed`: A profession enters the regional list.
public struct ProfessionListed: EventPayload {
    public var professionCode: String
    public var title: String
    public var direction: Direction
    public var inDemand: Bool?

    public init(professionCode: String, title: String, direction: Direction, inDemand: Bool? = nil) {
        self.professionCode = professionCode
        self.title = title
        self.direction = direction
        self.inDemand = inDemand
    }
}

/// `AgreementSigned`: A partner signs an agreement with a coordinating organisation.
public struct AgreementSigned: EventPayload {
    public var agreementId: String
    public var partnerOrgId: String
    public var coordinatorOrgId: String
    public var kind: AgreementKind
    public var validUntil: LocalDate?

    public init(
        agreementId: String,
        partnerOrgId: String,
        coordinatorOrgId: String,
        kind: AgreementKind,
        validUntil: LocalDate? = nil
    ) {
        self.agreementId = agreementId
        self.partnerOrgId = partnerOrgId
        self.coordinatorOrgId = coordinatorOrgId
        self.kind = kind
        self.validUntil = validUntil
    }
}

/// `AgreementEnded`: A partner's agreement ends.
public struct AgreementEnded: EventPayload {
    public var agreementId: String
    public var partnerOrgId: String
    public var reason: String?

    public init(agreementId: String, partnerOrgId: String, reason: String? = nil) {
        self.agreementId = agreementId
        self.partnerOrgId = partnerOrgId
        self.reason = reason
    }
}

/// `ProgrammeLaunched`: A programme is launched by its holder.
public struct ProgrammeLaunched: EventPayload {
    public var programmeId: String
    public var holderOrgId: String
    public var kind: ProgrammeKind
    public var title: String
    public var direction: Direction
    public var professionCodes: [String]
    public var isNew: Bool

    public init(
        programmeId: String,
        holderOrgId: String,
        kind: ProgrammeKind,
        title: String,
        direction: Direction,
        professionCodes: [String],
        isNew: Bool
    ) {
        self.programmeId = programmeId
        self.holderOrgId = holderOrgId
        self.kind = kind
        self.title = title
        self.direction = direction
        self.professionCodes = professionCodes
        self.isNew = isNew
    }
}
