"""Twenty's standard objects, declared as data: what every new workspace gets (spec §5).

Facts (names, labels, types, options, defaults, icons, descriptions, nullability, uniqueness,
search fields, duplicate criteria, label identifiers) come from Twenty's
`packages/twenty-server/src/modules/**/standard-objects/*.workspace-entity.ts`.

What the seeder adds, so it is not declared here:
- `id`, `createdAt`, `updatedAt`, `deletedAt` on every object; `position` where `has_position`,
  `createdBy` where `has_created_by`, `searchVector` where `search_fields` is non-empty;
- for each many-to-one RELATION field, its `<name>Id` join column and the one-to-many inverse
  field on the target (named by `RelationSpec.inverse_name`).

Defaults follow Twenty's `generateDefaultValue`: a standard field without an explicit default gets
`''` for TEXT and quoted empty sub-fields for composites; nullable numbers, dates and rich text
have none.

Deliberately left out:
- relations to objects this server does not have: messaging (`messageParticipants`),
  calendar (`calendarEventParticipants`), `connectedAccounts`, `blocklist`, `favoriteFolder`,
  workflows (`workflow`, `workflowVersion`, `workflowRun`), `dashboard`; and the dynamic
  relations Twenty adds to targets for custom objects (the custom-object code adds those);
- MORPH_RELATION and FILES fields (newer Twenty versions turn the note/task targets, attachment
  targets and the timeline-activity targets into morph relations; we keep the plain
  many-to-one form, which is what the API exposes field by field);
- deprecated fields: `person.phone` (replaced by `phones`), `company.addressOld`
  (replaced by `address`), `opportunity.probability`, `note.body` / `task.body` (RICH_TEXT, replaced
  by `bodyV2`), `attachment.type` (replaced by `fileCategory`), `attachment.author` (replaced by
  `createdBy`);
- `updatedBy` (ACTOR), which only newer Twenty versions have; it is a system concern like
  `createdBy`;
- the `maxNumberOfValues` settings newer Twenty puts on `person.emails` / `person.phones`, which
  would reject the `additionalEmails` Twenty's own tests send.

Twenty's `favorite.position` is a NUMBER field; here favorites use the seeder's POSITION field.
"""

from __future__ import annotations

from typing import Any

from app.metadata.enums import FieldType, OnDelete
from app.metadata.specs import FieldSpec, ObjectSpec, OptionSpec, RelationSpec

# --- Twenty's default values (quoted SQL literals, as stored in field metadata) -----------------

TEXT_DEFAULT = "''"


def _full_name_default() -> dict[str, Any]:
    return {"firstName": "''", "lastName": "''"}


def _emails_default() -> dict[str, Any]:
    return {"primaryEmail": "''", "additionalEmails": None}


def _links_default() -> dict[str, Any]:
    return {"primaryLinkLabel": "''", "primaryLinkUrl": "''", "secondaryLinks": "'[]'"}


def _phones_default() -> dict[str, Any]:
    return {
        "primaryPhoneNumber": "''",
        "primaryPhoneCountryCode": "''",
        "primaryPhoneCallingCode": "''",
        "additionalPhones": None,
    }


def _currency_default() -> dict[str, Any]:
    return {"amountMicros": None, "currencyCode": "''"}


def _address_default() -> dict[str, Any]:
    return {
        "addressStreet1": "''",
        "addressStreet2": "''",
        "addressCity": "''",
        "addressState": "''",
        "addressCountry": "''",
        "addressPostcode": "''",
        "addressLat": None,
        "addressLng": None,
    }


def _relation(
    name: str,
    label: str,
    *,
    target: str,
    inverse_name: str,
    inverse_label: str,
    inverse_icon: str | None,
    on_delete: OnDelete,
    description: str,
    icon: str,
    is_ui_read_only: bool = False,
) -> FieldSpec:
    """A nullable many-to-one relation field (Twenty's standard relations are all nullable)."""
    return FieldSpec(
        name=name,
        label=label,
        type=FieldType.RELATION,
        description=description,
        icon=icon,
        is_ui_read_only=is_ui_read_only,
        relation=RelationSpec(
            target=target,
            inverse_name=inverse_name,
            inverse_label=inverse_label,
            on_delete=on_delete,
            inverse_icon=inverse_icon,
        ),
    )


# --- person --------------------------------------------------------------------------------------

PERSON = ObjectSpec(
    name_singular="person",
    name_plural="people",
    label_singular="Person",
    label_plural="People",
    description="A person",
    icon="IconUser",
    is_searchable=True,
    label_identifier="name",
    search_fields=("name", "emails", "phones", "jobTitle"),
    duplicate_criteria=(
        ("name.firstName", "name.lastName"),
        ("linkedinLink.primaryLinkUrl",),
        ("emails.primaryEmail",),
    ),
    fields=(
        FieldSpec(
            name="name",
            label="Name",
            type=FieldType.FULL_NAME,
            description="Contact\u2019s name",
            icon="IconUser",
            default_value=_full_name_default(),
        ),
        FieldSpec(
            name="emails",
            label="Emails",
            type=FieldType.EMAILS,
            description="Contact\u2019s Emails",
            icon="IconMail",
            is_unique=True,
            default_value=_emails_default(),
        ),
        FieldSpec(
            name="linkedinLink",
            label="Linkedin",
            type=FieldType.LINKS,
            description="Contact\u2019s Linkedin account",
            icon="IconBrandLinkedin",
            default_value=_links_default(),
        ),
        FieldSpec(
            name="xLink",
            label="X",
            type=FieldType.LINKS,
            description="Contact\u2019s X/Twitter account",
            icon="IconBrandX",
            default_value=_links_default(),
        ),
        FieldSpec(
            name="jobTitle",
            label="Job Title",
            type=FieldType.TEXT,
            description="Contact\u2019s job title",
            icon="IconBriefcase",
            default_value=TEXT_DEFAULT,
        ),
        FieldSpec(
            name="phones",
            label="Phones",
            type=FieldType.PHONES,
            description="Contact\u2019s phone numbers",
            icon="IconPhone",
            default_value=_phones_default(),
        ),
        FieldSpec(
            name="city",
            label="City",
            type=FieldType.TEXT,
            description="Contact\u2019s city",
            icon="IconMap",
            default_value=TEXT_DEFAULT,
        ),
        FieldSpec(
            name="avatarUrl",
            label="Avatar",
            type=FieldType.TEXT,
            description="Contact\u2019s avatar",
            icon="IconFileUpload",
            is_system=True,
            default_value=TEXT_DEFAULT,
        ),
        _relation(
            "company",
            "Company",
            target="company",
            inverse_name="people",
            inverse_label="People",
            inverse_icon="IconUsers",
            on_delete=OnDelete.SET_NULL,
            description="Contact\u2019s company",
            icon="IconBuildingSkyscraper",
        ),
    ),
)

# --- company -------------------------------------------------------------------------------------

COMPANY = ObjectSpec(
    name_singular="company",
    name_plural="companies",
    label_singular="Company",
    label_plural="Companies",
    description="A company",
    icon="IconBuildingSkyscraper",
    is_searchable=True,
    label_identifier="name",
    search_fields=("name", "domainName"),
    duplicate_criteria=(("name",), ("domainName.primaryLinkUrl",)),
    fields=(
        FieldSpec(
            name="name",
            label="Name",
            type=FieldType.TEXT,
            description="The company name",
            icon="IconBuildingSkyscraper",
            default_value=TEXT_DEFAULT,
        ),
        FieldSpec(
            name="domainName",
            label="Domain Name",
            type=FieldType.LINKS,
            description="The company website URL. We use this url to fetch the company icon",
            icon="IconLink",
            is_nullable=False,
            is_unique=True,
            default_value=_links_default(),
        ),
        FieldSpec(
            name="employees",
            label="Employees",
            type=FieldType.NUMBER,
            description="Number of employees in the company",
            icon="IconUsers",
        ),
        FieldSpec(
            name="linkedinLink",
            label="Linkedin",
            type=FieldType.LINKS,
            description="The company Linkedin account",
            icon="IconBrandLinkedin",
            default_value=_links_default(),
        ),
        FieldSpec(
            name="xLink",
            label="X",
            type=FieldType.LINKS,
            description="The company Twitter/X account",
            icon="IconBrandX",
            default_value=_links_default(),
        ),
        FieldSpec(
            name="annualRecurringRevenue",
            label="ARR",
            type=FieldType.CURRENCY,
            description=(
                "Annual Recurring Revenue: The actual or estimated annual revenue of the company"
            ),
            icon="IconMoneybag",
            default_value=_currency_default(),
        ),
        FieldSpec(
            name="address",
            label="Address",
            type=FieldType.ADDRESS,
            description="Address of the company",
            icon="IconMap",
            default_value=_address_default(),
        ),
        FieldSpec(
            name="idealCustomerProfile",
            label="ICP",
            type=FieldType.BOOLEAN,
            description=(
                "Ideal Customer Profile:  Indicates whether the company is the most suitable "
                "and valuable customer for you"
            ),
            icon="IconTarget",
            is_nullable=False,
            default_value=False,
        ),
        _relation(
            "accountOwner",
            "Account Owner",
            target="workspaceMember",
            inverse_name="accountOwnerForCompanies",
            inverse_label="Account Owner For Companies",
            inverse_icon="IconBriefcase",
            on_delete=OnDelete.SET_NULL,
            description="Your team member responsible for managing the company account",
            icon="IconUserCircle",
        ),
    ),
)

# --- opportunity ---------------------------------------------------------------------------------

OPPORTUNITY = ObjectSpec(
    name_singular="opportunity",
    name_plural="opportunities",
    label_singular="Opportunity",
    label_plural="Opportunities",
    description="An opportunity",
    icon="IconTargetArrow",
    is_searchable=True,
    label_identifier="name",
    search_fields=("name",),
    fields=(
        FieldSpec(
            name="name",
            label="Name",
            type=FieldType.TEXT,
            description="The opportunity name",
            icon="IconTargetArrow",
            default_value=TEXT_DEFAULT,
        ),
        FieldSpec(
            name="amount",
            label="Amount",
            type=FieldType.CURRENCY,
            description="Opportunity amount",
            icon="IconCurrencyDollar",
            default_value=_currency_default(),
        ),
        FieldSpec(
            name="closeDate",
            label="Close date",
            type=FieldType.DATE_TIME,
            description="Opportunity close date",
            icon="IconCalendarEvent",
        ),
        FieldSpec(
            name="stage",
            label="Stage",
            type=FieldType.SELECT,
            description="Opportunity stage",
            icon="IconProgressCheck",
            is_nullable=False,
            default_value="'NEW'",
            options=(
                OptionSpec("NEW", "New", "red"),
                OptionSpec("SCREENING", "Screening", "purple"),
                OptionSpec("MEETING", "Meeting", "sky"),
                OptionSpec("PROPOSAL", "Proposal", "turquoise"),
                OptionSpec("CUSTOMER", "Customer", "yellow"),
            ),
        ),
        _relation(
            "pointOfContact",
            "Point of Contact",
            target="person",
            inverse_name="pointOfContactForOpportunities",
            inverse_label="Opportunities",
            inverse_icon="IconTargetArrow",
            on_delete=OnDelete.SET_NULL,
            description="Opportunity point of contact",
            icon="IconUser",
        ),
        _relation(
            "company",
            "Company",
            target="company",
            inverse_name="opportunities",
            inverse_label="Opportunities",
            inverse_icon="IconTargetArrow",
            on_delete=OnDelete.SET_NULL,
            description="Opportunity company",
            icon="IconBuildingSkyscraper",
        ),
    ),
)

# --- note / task ---------------------------------------------------------------------------------

NOTE = ObjectSpec(
    name_singular="note",
    name_plural="notes",
    label_singular="Note",
    label_plural="Notes",
    description="A note",
    icon="IconNotes",
    is_searchable=True,
    label_identifier="title",
    search_fields=("title", "bodyV2"),
    fields=(
        FieldSpec(
            name="title",
            label="Title",
            type=FieldType.TEXT,
            description="Note title",
            icon="IconNotes",
            is_nullable=False,
            default_value=TEXT_DEFAULT,
        ),
        FieldSpec(
            name="bodyV2",
            label="Body",
            type=FieldType.RICH_TEXT_V2,
            description="Note body",
            icon="IconFilePencil",
        ),
    ),
)

TASK = ObjectSpec(
    name_singular="task",
    name_plural="tasks",
    label_singular="Task",
    label_plural="Tasks",
    description="A task",
    icon="IconCheckbox",
    is_searchable=True,
    label_identifier="title",
    search_fields=("title", "bodyV2"),
    fields=(
        FieldSpec(
            name="title",
            label="Title",
            type=FieldType.TEXT,
            description="Task title",
            icon="IconNotes",
            default_value=TEXT_DEFAULT,
        ),
        FieldSpec(
            name="bodyV2",
            label="Body",
            type=FieldType.RICH_TEXT_V2,
            description="Task body",
            icon="IconFilePencil",
        ),
        FieldSpec(
            name="dueAt",
            label="Due Date",
            type=FieldType.DATE_TIME,
            description="Task due date",
            icon="IconCalendarEvent",
        ),
        FieldSpec(
            name="status",
            label="Status",
            type=FieldType.SELECT,
            description="Task status",
            icon="IconCheck",
            default_value="'TODO'",
            options=(
                OptionSpec("TODO", "To do", "sky"),
                OptionSpec("IN_PROGRESS", "In progress", "purple"),
                OptionSpec("DONE", "Done", "green"),
            ),
        ),
        _relation(
            "assignee",
            "Assignee",
            target="workspaceMember",
            inverse_name="assignedTasks",
            inverse_label="Assigned tasks",
            inverse_icon="IconCheckbox",
            on_delete=OnDelete.SET_NULL,
            description="Task assignee",
            icon="IconUserCircle",
        ),
    ),
)

# --- noteTarget / taskTarget ---------------------------------------------------------------------

NOTE_TARGET = ObjectSpec(
    name_singular="noteTarget",
    name_plural="noteTargets",
    label_singular="Note Target",
    label_plural="Note Targets",
    description="A note target",
    icon="IconCheckbox",
    is_system=True,
    label_identifier=None,
    has_position=False,
    has_created_by=False,
    fields=(
        _relation(
            "note",
            "Note",
            target="note",
            inverse_name="noteTargets",
            inverse_label="Relations",
            inverse_icon="IconArrowUpRight",
            on_delete=OnDelete.SET_NULL,
            description="NoteTarget note",
            icon="IconNotes",
        ),
        _relation(
            "person",
            "Person",
            target="person",
            inverse_name="noteTargets",
            inverse_label="Notes",
            inverse_icon="IconNotes",
            on_delete=OnDelete.CASCADE,
            description="NoteTarget person",
            icon="IconUser",
        ),
        _relation(
            "company",
            "Company",
            target="company",
            inverse_name="noteTargets",
            inverse_label="Notes",
            inverse_icon="IconNotes",
            on_delete=OnDelete.CASCADE,
            description="NoteTarget company",
            icon="IconBuildingSkyscraper",
        ),
        _relation(
            "opportunity",
            "Opportunity",
            target="opportunity",
            inverse_name="noteTargets",
            inverse_label="Notes",
            inverse_icon="IconNotes",
            on_delete=OnDelete.CASCADE,
            description="NoteTarget opportunity",
            icon="IconTargetArrow",
        ),
    ),
)

TASK_TARGET = ObjectSpec(
    name_singular="taskTarget",
    name_plural="taskTargets",
    label_singular="Task Target",
    label_plural="Task Targets",
    description="A task target",
    icon="IconCheckbox",
    is_system=True,
    label_identifier=None,
    has_position=False,
    has_created_by=False,
    fields=(
        _relation(
            "task",
            "Task",
            target="task",
            inverse_name="taskTargets",
            inverse_label="Relations",
            inverse_icon="IconArrowUpRight",
            on_delete=OnDelete.SET_NULL,
            description="TaskTarget task",
            icon="IconCheckbox",
            is_ui_read_only=True,
        ),
        _relation(
            "person",
            "Person",
            target="person",
            inverse_name="taskTargets",
            inverse_label="Tasks",
            inverse_icon="IconCheckbox",
            on_delete=OnDelete.CASCADE,
            description="TaskTarget person",
            icon="IconUser",
            is_ui_read_only=True,
        ),
        _relation(
            "company",
            "Company",
            target="company",
            inverse_name="taskTargets",
            inverse_label="Tasks",
            inverse_icon="IconCheckbox",
            on_delete=OnDelete.CASCADE,
            description="TaskTarget company",
            icon="IconBuildingSkyscraper",
            is_ui_read_only=True,
        ),
        _relation(
            "opportunity",
            "Opportunity",
            target="opportunity",
            inverse_name="taskTargets",
            inverse_label="Tasks",
            inverse_icon="IconCheckbox",
            on_delete=OnDelete.CASCADE,
            description="TaskTarget opportunity",
            icon="IconTargetArrow",
            is_ui_read_only=True,
        ),
    ),
)

# --- workspaceMember -----------------------------------------------------------------------------

WORKSPACE_MEMBER = ObjectSpec(
    name_singular="workspaceMember",
    name_plural="workspaceMembers",
    label_singular="Workspace Member",
    label_plural="Workspace Members",
    description="A workspace member",
    icon="IconUserCircle",
    is_system=True,
    is_searchable=True,
    label_identifier="name",
    search_fields=("name", "userEmail"),
    has_created_by=False,
    fields=(
        FieldSpec(
            name="name",
            label="Name",
            type=FieldType.FULL_NAME,
            description="Workspace member name",
            icon="IconCircleUser",
            is_nullable=False,
            is_ui_read_only=True,
            default_value=_full_name_default(),
        ),
        FieldSpec(
            name="colorScheme",
            label="Color Scheme",
            type=FieldType.TEXT,
            description="Preferred color scheme",
            icon="IconColorSwatch",
            is_nullable=False,
            is_system=True,
            is_ui_read_only=True,
            default_value="'System'",
        ),
        FieldSpec(
            name="locale",
            label="Language",
            type=FieldType.TEXT,
            description="Preferred language",
            icon="IconLanguage",
            is_nullable=False,
            is_system=True,
            is_ui_read_only=True,
            default_value="'en'",
        ),
        FieldSpec(
            name="avatarUrl",
            label="Avatar Url",
            type=FieldType.TEXT,
            description="Workspace member avatar",
            icon="IconFileUpload",
            is_system=True,
            is_ui_read_only=True,
            default_value=TEXT_DEFAULT,
        ),
        FieldSpec(
            name="userEmail",
            label="User Email",
            type=FieldType.TEXT,
            description="Related user email address",
            icon="IconMail",
            is_unique=True,
            is_system=True,
            is_ui_read_only=True,
            default_value=TEXT_DEFAULT,
        ),
        FieldSpec(
            name="calendarStartDay",
            label="Start of the week",
            type=FieldType.NUMBER,
            description="User's preferred start day of the week",
            is_nullable=False,
            is_system=True,
            is_ui_read_only=True,
            default_value=7,
            settings={"dataType": "int"},
        ),
        FieldSpec(
            name="userId",
            label="User Id",
            type=FieldType.UUID,
            description="Associated User Id",
            icon="IconCircleUsers",
            is_nullable=False,
            is_system=True,
            is_ui_read_only=True,
        ),
        FieldSpec(
            name="timeZone",
            label="Time zone",
            type=FieldType.TEXT,
            description="User time zone",
            icon="IconTimezone",
            is_nullable=False,
            is_system=True,
            is_ui_read_only=True,
            default_value="'system'",
        ),
        FieldSpec(
            name="dateFormat",
            label="Date format",
            type=FieldType.SELECT,
            description="User's preferred date format",
            icon="IconCalendarEvent",
            is_nullable=False,
            is_system=True,
            is_ui_read_only=True,
            default_value="'SYSTEM'",
            options=(
                OptionSpec("SYSTEM", "System", "turquoise"),
                OptionSpec("MONTH_FIRST", "Month First", "red"),
                OptionSpec("DAY_FIRST", "Day First", "purple"),
                OptionSpec("YEAR_FIRST", "Year First", "sky"),
            ),
        ),
        FieldSpec(
            name="timeFormat",
            label="Time format",
            type=FieldType.SELECT,
            description="User's preferred time format",
            icon="IconClock2",
            is_nullable=False,
            is_system=True,
            is_ui_read_only=True,
            default_value="'SYSTEM'",
            options=(
                OptionSpec("SYSTEM", "System", "sky"),
                OptionSpec("HOUR_24", "24HRS", "red"),
                OptionSpec("HOUR_12", "12HRS", "purple"),
            ),
        ),
        FieldSpec(
            name="numberFormat",
            label="Number format",
            type=FieldType.SELECT,
            description="User's preferred number format",
            icon="IconNumbers",
            is_nullable=False,
            is_system=True,
            is_ui_read_only=True,
            default_value="'SYSTEM'",
            options=(
                OptionSpec("SYSTEM", "System", "turquoise"),
                OptionSpec("COMMAS_AND_DOT", "Commas and dot", "blue"),
                OptionSpec("SPACES_AND_COMMA", "Spaces and comma", "green"),
                OptionSpec("DOTS_AND_COMMA", "Dots and comma", "orange"),
                OptionSpec("APOSTROPHE_AND_DOT", "Apostrophe and dot", "purple"),
            ),
        ),
    ),
)

# --- attachment ----------------------------------------------------------------------------------

ATTACHMENT = ObjectSpec(
    name_singular="attachment",
    name_plural="attachments",
    label_singular="Attachment",
    label_plural="Attachments",
    description="An attachment",
    icon="IconFileImport",
    is_system=True,
    label_identifier="name",
    has_position=False,
    fields=(
        FieldSpec(
            name="name",
            label="Name",
            type=FieldType.TEXT,
            description="Attachment name",
            icon="IconFileUpload",
            is_ui_read_only=True,
            default_value=TEXT_DEFAULT,
        ),
        FieldSpec(
            name="fullPath",
            label="Full path",
            type=FieldType.TEXT,
            description="Attachment full path",
            icon="IconLink",
            is_ui_read_only=True,
            default_value=TEXT_DEFAULT,
        ),
        FieldSpec(
            name="fileCategory",
            label="File category",
            type=FieldType.SELECT,
            description="Attachment file category",
            icon="IconList",
            is_nullable=False,
            is_ui_read_only=True,
            default_value="'OTHER'",
            options=(
                OptionSpec("ARCHIVE", "Archive", "gray"),
                OptionSpec("AUDIO", "Audio", "pink"),
                OptionSpec("IMAGE", "Image", "yellow"),
                OptionSpec("PRESENTATION", "Presentation", "orange"),
                OptionSpec("SPREADSHEET", "Spreadsheet", "turquoise"),
                OptionSpec("TEXT_DOCUMENT", "Text Document", "blue"),
                OptionSpec("VIDEO", "Video", "purple"),
                OptionSpec("OTHER", "Other", "gray"),
            ),
        ),
        _relation(
            "task",
            "Task",
            target="task",
            inverse_name="attachments",
            inverse_label="Attachments",
            inverse_icon="IconFileImport",
            on_delete=OnDelete.SET_NULL,
            description="Attachment task",
            icon="IconNotes",
            is_ui_read_only=True,
        ),
        _relation(
            "note",
            "Note",
            target="note",
            inverse_name="attachments",
            inverse_label="Attachments",
            inverse_icon="IconFileImport",
            on_delete=OnDelete.SET_NULL,
            description="Attachment note",
            icon="IconNotes",
            is_ui_read_only=True,
        ),
        _relation(
            "person",
            "Person",
            target="person",
            inverse_name="attachments",
            inverse_label="Attachments",
            inverse_icon="IconFileImport",
            on_delete=OnDelete.CASCADE,
            description="Attachment person",
            icon="IconUser",
            is_ui_read_only=True,
        ),
        _relation(
            "company",
            "Company",
            target="company",
            inverse_name="attachments",
            inverse_label="Attachments",
            inverse_icon="IconFileImport",
            on_delete=OnDelete.CASCADE,
            description="Attachment company",
            icon="IconBuildingSkyscraper",
            is_ui_read_only=True,
        ),
        _relation(
            "opportunity",
            "Opportunity",
            target="opportunity",
            inverse_name="attachments",
            inverse_label="Attachments",
            inverse_icon="IconFileImport",
            on_delete=OnDelete.CASCADE,
            description="Attachment opportunity",
            icon="IconBuildingSkyscraper",
            is_ui_read_only=True,
        ),
    ),
)

# --- favorite ------------------------------------------------------------------------------------

FAVORITE = ObjectSpec(
    name_singular="favorite",
    name_plural="favorites",
    label_singular="Favorite",
    label_plural="Favorites",
    description="A favorite that can be accessed from the left menu",
    icon="IconHeart",
    is_system=True,
    label_identifier=None,
    has_created_by=False,
    fields=(
        _relation(
            "forWorkspaceMember",
            "Workspace Member",
            target="workspaceMember",
            inverse_name="favorites",
            inverse_label="Favorites",
            inverse_icon="IconHeart",
            on_delete=OnDelete.CASCADE,
            description="Favorite workspace member",
            icon="IconCircleUser",
        ),
        _relation(
            "person",
            "Person",
            target="person",
            inverse_name="favorites",
            inverse_label="Favorites",
            inverse_icon="IconHeart",
            on_delete=OnDelete.CASCADE,
            description="Favorite person",
            icon="IconUser",
        ),
        _relation(
            "company",
            "Company",
            target="company",
            inverse_name="favorites",
            inverse_label="Favorites",
            inverse_icon="IconHeart",
            on_delete=OnDelete.CASCADE,
            description="Favorite company",
            icon="IconBuildingSkyscraper",
        ),
        _relation(
            "opportunity",
            "Opportunity",
            target="opportunity",
            inverse_name="favorites",
            inverse_label="Favorites",
            inverse_icon="IconHeart",
            on_delete=OnDelete.CASCADE,
            description="Favorite opportunity",
            icon="IconTargetArrow",
        ),
        _relation(
            "task",
            "Task",
            target="task",
            inverse_name="favorites",
            inverse_label="Favorites",
            inverse_icon="IconHeart",
            on_delete=OnDelete.CASCADE,
            description="Favorite task",
            icon="IconCheckbox",
        ),
        _relation(
            "note",
            "Note",
            target="note",
            inverse_name="favorites",
            inverse_label="Favorites",
            inverse_icon="IconHeart",
            on_delete=OnDelete.CASCADE,
            description="Favorite note",
            icon="IconNotes",
        ),
        FieldSpec(
            name="viewId",
            label="ViewId",
            type=FieldType.UUID,
            description="ViewId",
            icon="IconView",
        ),
    ),
)

# --- timelineActivity ----------------------------------------------------------------------------

TIMELINE_ACTIVITY = ObjectSpec(
    name_singular="timelineActivity",
    name_plural="timelineActivities",
    label_singular="Timeline Activity",
    label_plural="Timeline Activities",
    description="Aggregated / filtered event to be displayed on the timeline",
    icon="IconTimelineEvent",
    is_system=True,
    label_identifier="name",
    has_position=False,
    has_created_by=False,
    fields=(
        FieldSpec(
            name="happensAt",
            label="Creation date",
            type=FieldType.DATE_TIME,
            description="Creation date",
            icon="IconCalendar",
            is_nullable=False,
            is_ui_read_only=True,
            default_value="now",
        ),
        FieldSpec(
            name="name",
            label="Event name",
            type=FieldType.TEXT,
            description="Event name",
            icon="IconAbc",
            is_ui_read_only=True,
            default_value=TEXT_DEFAULT,
        ),
        FieldSpec(
            name="properties",
            label="Event details",
            type=FieldType.RAW_JSON,
            description="Json value for event details",
            icon="IconListDetails",
            is_ui_read_only=True,
        ),
        FieldSpec(
            name="linkedRecordCachedName",
            label="Linked Record cached name",
            type=FieldType.TEXT,
            description="Cached record name",
            icon="IconAbc",
            is_ui_read_only=True,
            default_value=TEXT_DEFAULT,
        ),
        FieldSpec(
            name="linkedRecordId",
            label="Linked Record id",
            type=FieldType.UUID,
            description="Linked Record id",
            icon="IconAbc",
            is_ui_read_only=True,
        ),
        FieldSpec(
            name="linkedObjectMetadataId",
            label="Linked Object Metadata Id",
            type=FieldType.UUID,
            description="Linked Object Metadata Id",
            icon="IconAbc",
            is_ui_read_only=True,
        ),
        _relation(
            "workspaceMember",
            "Workspace Member",
            target="workspaceMember",
            inverse_name="timelineActivities",
            inverse_label="Events",
            inverse_icon="IconTimelineEvent",
            on_delete=OnDelete.CASCADE,
            description="Event workspace member",
            icon="IconCircleUser",
            is_ui_read_only=True,
        ),
        _relation(
            "targetPerson",
            "Person",
            target="person",
            inverse_name="timelineActivities",
            inverse_label="Events",
            inverse_icon="IconTimelineEvent",
            on_delete=OnDelete.CASCADE,
            description="Event person",
            icon="IconUser",
            is_ui_read_only=True,
        ),
        _relation(
            "targetCompany",
            "Company",
            target="company",
            inverse_name="timelineActivities",
            inverse_label="Timeline Activities",
            inverse_icon="IconTimelineEvent",
            on_delete=OnDelete.CASCADE,
            description="Event company",
            icon="IconBuildingSkyscraper",
            is_ui_read_only=True,
        ),
        _relation(
            "targetOpportunity",
            "Opportunity",
            target="opportunity",
            inverse_name="timelineActivities",
            inverse_label="Timeline Activities",
            inverse_icon="IconTimelineEvent",
            on_delete=OnDelete.SET_NULL,
            description="Event opportunity",
            icon="IconTargetArrow",
            is_ui_read_only=True,
        ),
        _relation(
            "targetNote",
            "Note",
            target="note",
            inverse_name="timelineActivities",
            inverse_label="Timeline Activities",
            inverse_icon="IconTimelineEvent",
            on_delete=OnDelete.SET_NULL,
            description="Event note",
            icon="IconTargetArrow",
            is_ui_read_only=True,
        ),
        _relation(
            "targetTask",
            "Task",
            target="task",
            inverse_name="timelineActivities",
            inverse_label="Timeline Activities",
            inverse_icon="IconTimelineEvent",
            on_delete=OnDelete.SET_NULL,
            description="Event task",
            icon="IconTargetArrow",
            is_ui_read_only=True,
        ),
    ),
)

# --- registry ------------------------------------------------------------------------------------

STANDARD_OBJECTS: tuple[ObjectSpec, ...] = (
    PERSON,
    COMPANY,
    OPPORTUNITY,
    NOTE,
    TASK,
    NOTE_TARGET,
    TASK_TARGET,
    WORKSPACE_MEMBER,
    ATTACHMENT,
    FAVORITE,
    TIMELINE_ACTIVITY,
)

_BY_NAME: dict[str, ObjectSpec] = {spec.name_singular: spec for spec in STANDARD_OBJECTS}


def standard_object(name_singular: str) -> ObjectSpec:
    """The standard object named `name_singular`; KeyError if Twenty has no such standard object."""
    try:
        return _BY_NAME[name_singular]
    except KeyError:
        raise KeyError(f"no standard object named {name_singular!r}") from None
