import OrientirEvents
import OrientirProjections

/// One line of a footprint's timeline.
public struct TimelineEntry: Sendable {
    public var position: UInt64
    public var type: EventType
    public var date: LocalDate
    public var summary: String

    init(_ indexed: IndexedEvent) {
        position = indexed.position
        type = indexed.event.type
        date = indexed.event.occurredAt.localDate
        summary = Self.summary(of: indexed.event)
    }

    var json: JSONText {
        .object([("position", .int(Int(position))), ("type", .string(type.rawValue)),
                 ("date", .string(date.description)), ("summary", .string(summary))])
    }

    /// A one-line Russian summary of an event; personal data never appears.
    static func summary(of event: Event) -> String {
        func hours(_ value: Double) -> String {
            value == value.rounded() ? String(Int(value)) : String(value)
        }
        switch event.data {
        case .municipalityRegistered(let d): return "Муниципалитет зарегистрирован: \(d.name)"
        case .organisationRegistered(let d): return "Организация зарегистрирована: \(d.name) (\(d.kind.rawValue))"
        case .professionListed(let d): return "Профессия: \(d.title)"
        case .agreementSigned(let d):
            return "Соглашение \(d.agreementId) подписано (\(d.kind.rawValue))"
                + (d.validUntil.map { ", действует до \($0)" } ?? "")
        case .agreementEnded(let d): return "Соглашение \(d.agreementId) прекращено"
        case .programmeLaunched(let d): return "Программа запущена: \(d.title)" + (d.isNew ? " (новая)" : "")
        case .studentEnrolled(let d): return "Зачислен: \(d.schoolOrgId), \(d.grade) класс, \(d.academicYear)"
        case .staffMemberRegistered(let d): return "Сотрудник: \(d.orgId), \(d.role.rawValue)"
        case .mentorRegistered(let d): return "Наставник: \(d.mentorKind.rawValue)"
        case .expertRegistered: return "Эксперт"
        case .personalDataRecorded, .sealedPersonalData: return "Персональные данные (защищены)"
        case .subjectForgotten: return "Запрос на удаление персональных данных"
        case .diagnosticCompleted(let d): return "Диагностика: \(d.instrument)"
        case .individualRouteSet(let d): return "ИОМ \(d.routeId) на \(d.academicYear)"
        case .programmeEnrolled(let d): return "Запись на программу \(d.programmeId)"
        case .programmeCompleted(let d): return "Программа \(d.programmeId): \(d.result.rawValue)"
        case .careerTrialCompleted(let d):
            return "Профпроба: \(d.professionCode), \(hours(d.hours)) ч, "
                + (d.outcome == .positive ? "положительный результат" : "отрицательный результат")
        case .activityAttended(let d): return "Мероприятие: \(d.kind.rawValue), уровень \(d.level.rawValue)"
        case .competitionResultRecorded(let d):
            return "Конкурс \(d.title): \(d.result.rawValue), уровень \(d.level.rawValue)"
        case .mentorshipStarted(let d): return "Наставничество \(d.mentorshipId) начато (\(d.form.rawValue))"
        case .mentorshipEnded(let d): return "Наставничество \(d.mentorshipId) завершено (\(d.outcome.rawValue))"
        case .teamRegistered(let d): return "Команда \(d.name) зарегистрирована на \(d.season), \(d.memberIds.count) чел."
        case .teamMemberJoined(let d): return "Вступление в команду \(d.teamId)"
        case .teamMemberLeft(let d): return "Выход из команды \(d.teamId)"
        case .projectSubmitted(let d): return "Проект подан: \(d.title)"
        case .projectScored(let d): return "Проект \(d.projectId) оценён: раунд \(d.round), \(hours(d.total)) баллов"
        case .teamAdvanced(let d): return "Команда \(d.teamId) вышла на уровень \(d.toLevel.rawValue)"
        case .teacherTrainingCompleted(let d): return "Обучение педагога: \(d.kind.rawValue), \(hours(d.hours)) ч"
        case .experienceShared(let d): return "Трансляция опыта: \(d.format.rawValue), уровень \(d.level.rawValue)"
        case .staffingDemandDeclared(let d):
            return "Кадровая потребность: \(d.professionCode), \(d.year), \(d.positions) мест"
        case .graduateDestinationRecorded(let d): return "Выпускник: \(d.destination.rawValue), профиль \(d.profile.rawValue)"
        case .surveyAnswered(let d): return "Опрос \(d.surveyId): оценка \(d.satisfaction)"
        case .eventRetracted(let d): return "Отзыв события \(d.eventId)"
        }
    }
}
