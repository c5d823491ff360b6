// Teams and projects.

/// `TeamRegistered`: A school project team is registered for a season.
public struct TeamRegistered: EventPayload {
    public var teamId: String
    public var schoolOrgId: String
    public var season: AcademicYear
    public var line: TeamLine
    public var name: String
    public var memberIds: [String]
    public var curatorId: String?

    public init(
        teamId: String,
        schoolOrgId: String,
        season: AcademicYear,
        line: TeamLine,
        name: String,
        memberIds: [String],
        curatorId: String? = nil
    ) {
        self.teamId = teamId
        self.schoolOrgId = schoolOrgId
        self.season = season
        self.line = line
        self.name = name
        self.memberIds = memberIds
        self.curatorId = curatorId
    }
}

/// `TeamMemberJoined`: A person joins a team.
public struct TeamMemberJoined: EventPayload {
    public var teamId: String
    public var personId: String

    public init(teamId: String, personId: String) {
        self.teamId = teamId
        self.personId = personId
    }
}

/// `TeamMemberLeft`: A person leaves a team.
public struct TeamMemberLeft: EventPayload {
    public var teamId: String
    public var personId: String

    public init(teamId: String, personId: String) {
        self.teamId = teamId
        self.personId = personId
    }
}

/// `ProjectSubmitted`: A team submits a project.
public struct ProjectSubmitted: EventPayload {
    public var projectId: String
    public var teamId: String
    public var title: String
    public var line: TeamLine

    public init(projectId: String, teamId: String, title: String, line: TeamLine) {
        self.projectId = projectId
        self.teamId = teamId
        self.title = title
        self.line = line
    }
}

/// `ProjectScored`: An expert scores a team's project in a round; `total` is the sum of `criteria`.
public struct ProjectScored: EventPayload {
    public var projectId: String
    public var teamId: String
    public var expertId: String
    public var round: Int
    public var criteria: [String: Double]
    public var total: Double

    public init(
        projectId: String,
        teamId: String,
        expertId: String,
        round: Int,
        criteria: [String: Double],
        total: Double
    ) {
        self.projectId = projectId
        self.teamId = teamId
        self.expertId = expertId
        self.round = round
        self.criteria = criteria
        self.total = total
    }
}

/// `TeamAdvanced`: A team advances to a higher level.
public struct TeamAdvanced: EventPayload {
    public var teamId: String
    public var toLevel: Level

    public init(teamId: String, toLevel: Level) {
        self.teamId = teamId
        self.toLevel = toLevel
    }
}
