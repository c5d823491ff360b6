// Teachers: training and shared experience.

/// `TeacherTrainingCompleted`: A teacher completes an internship, course, seminar or assessment.
public struct TeacherTrainingCompleted: EventPayload {
    public var personId: String
    public var kind: TrainingKind
    public var providerOrgId: String?
    public var hours: Double
    public var priorityArea: Bool

    public init(
        personId: String,
        kind: TrainingKind,
        providerOrgId: String? = nil,
        hours: Double,
        priorityArea: Bool
    ) {
        self.personId = personId
        self.kind = kind
        self.providerOrgId = providerOrgId
        self.hours = hours
        self.priorityArea = priorityArea
    }
}

/// `ExperienceShared`: A teacher shares experience (talk, publication, open lesson, …).
public struct ExperienceShared: EventPayload {
    public var personId: String
    public var format: ExperienceFormat
    public var level: Level
    public var indexed: Bool?

    public init(personId: String, format: ExperienceFormat, level: Level, indexed: Bool? = nil) {
        self.personId = personId
        self.format = format
        self.level = level
        self.indexed = indexed
    }
}
