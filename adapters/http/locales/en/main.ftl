# The agent interface in English. Every key here must exist in de/main.ftl too.

skip-to-content = Skip to content
nav-label = Main
nav-dashboard = Dashboard
nav-tickets = Tickets
search-label = Search tickets
search-placeholder = Number, title…
pref-theme = Theme
pref-language = Language
theme-system = As the system
theme-light = Light
theme-dark = Dark
lang-en = English
lang-de = Deutsch
action-save = Save
action-logout = Log out
action-filter = Apply
action-add-article = Add article
action-set-state = Set state
action-set-priority = Set priority
action-move-to = Move to queue
action-move = Move
action-set-owner = Set owner
action-lock = Lock
action-unlock = Unlock
action-watch = Watch
action-unwatch = Stop watching
action-merge-into = Merge into ticket
action-merge = Merge

login-title = Log in
login-user = Username
login-password = Password
login-submit = Log in
login-failed = The username or password is wrong.
login-throttled = Too many failed attempts. Try again in { $n } seconds.

error-back = Back
error-not-found = Not found, or you may not see it
error-forbidden = You may not do that
error-invalid = Please check your input
error-conflict = Someone else changed this first
error-internal = Something went wrong inside goats. Go back and try again; if it happens again, tell your administrator.
error-offline = The server cannot be reached. Nothing was changed; try again.
error-unavailable = The database is not answering; try again shortly

invalid-article-kind = Choose note, phone or reply.
invalid-lock = Choose lock or unlock.
invalid-merge-target = No ticket you can see has that number.
invalid-pending-time = The pending time is not a valid date and time.
invalid-reply-no-customer = This ticket has no customer with an email address to reply to.
invalid-time-units = Time units must be a number, such as 15 or 0.5.

dashboard-title = Dashboard
dashboard-reminders = My due reminders
dashboard-locked = My locked tickets
dashboard-new = New tickets in my queues
dashboard-counts = Tickets per queue and state
dashboard-count = Tickets

tickets-title = Tickets
tickets-none = No tickets.
tickets-count = { $n ->
    [one] { $n } ticket
   *[other] { $n } tickets
}
articles-count = { $n ->
    [one] { $n } article
   *[other] { $n } articles
}
filter-text = Text
filter-all = All
filter-state-active = Open (any not closed)
filter-state-pending = Pending
filter-state-closed = Closed
filter-age = Created within
filter-age-days = { $n ->
    [one] { $n } day
   *[other] { $n } days
}
pagination = Pages
page-label = Page
page-previous = Previous
page-next = Next

field-number = Number
field-title = Title
field-queue = Queue
field-state = State
field-priority = Priority
field-owner = Owner
field-responsible = Responsible
field-lock = Lock
field-customer = Customer
field-customer-user = Customer user
field-age = Age
field-pending-until = Pending until
field-time-accounted = Time accounted
lock-locked = Locked
lock-unlocked = Unlocked
lock-short = L
age-minutes = { $n } m
age-hours = { $n } h
age-days = { $n } d

ticket-views = Ticket views
ticket-history = History
ticket-actions = Ticket actions
pending-hint = Needed for pending states (UTC).
article-internal = Internal only
article-visible = Visible to customer
article-source = Download the original message
delivery-queued = Waiting to be sent
delivery-sent = Sent
delivery-failed = Not delivered
article-headers = Headers
article-kind = Article
article-kind-note = Internal note
article-kind-phone = Phone call
article-kind-reply = Reply to customer
article-subject = Subject
article-body = Text
article-time-units = Time units
sender-agent = Agent
sender-customer = Customer
sender-system = System
channel-email = Email
channel-phone = Phone
channel-internal = Internal
channel-chat = Chat
header-from = From
header-to = To
header-cc = Cc
header-message-id = Message-ID
history-when = When
history-type = Event
history-detail = Detail
history-by = By

toast-article-added = Article added.
toast-state-set = State set.
toast-priority-set = Priority set.
toast-moved = Ticket moved.
toast-owner-set = Owner set.
toast-locked = Ticket locked.
toast-unlocked = Ticket unlocked.
toast-watching = You are watching this ticket.
toast-unwatched = You no longer watch this ticket.
toast-merged = Ticket merged.

nav-new-ticket = New ticket
new-kind = Kind of ticket
new-phone = Phone call
new-email = Email to customer
new-phone-title = New phone ticket
new-email-title = New email ticket
# The queue list of a new ticket starts on this, so a hurried agent never files into the first queue.
new-choose-queue = Choose a queue
new-no-queue = You may not open tickets in any queue.
new-customer-hint = Type a name or address to see customer users; an email address of someone not yet known works too.
new-phone-body = What the customer said
new-email-body = Your message to the customer
action-create-ticket = Create ticket
invalid-customer = Choose a customer user, or enter an email address.
toast-created = Ticket { $v } created.

bulk-title = Change the selected tickets
bulk-unchanged = — unchanged —
bulk-apply = Apply to selected
bulk-select-all = Select all tickets shown
bulk-select = Select ticket { $v }
bulk-done = Done
bulk-failed = Refused
invalid-bulk-none = Select at least one ticket.
invalid-bulk-nothing = Choose what to change.
toast-bulk-done = { $n ->
    [one] { $n } ticket changed.
   *[other] { $n } tickets changed.
}

filters-saved = Saved filters:
filter-field = Ticket field
filter-field-any = Any
filter-field-value = Field value
filter-field-hint = Words of a text (* stands for anything), one of the field's values, yes or no for a box, a day as YYYY-MM-DD or days as YYYY-MM-DD..YYYY-MM-DD.
filter-save-as = Save filters as
filter-save = Save
filter-delete = Delete saved filter { $v }
invalid-filter-name = Give the filter a name.
invalid-filter-too-many = You have saved the most filters there is room for; delete one first.
toast-filter-saved = Filter saved.

links-title = Linked tickets
links-none = No linked tickets.
action-link-to = Link to ticket
action-link = Link
action-unlink = Remove the link to { $v }
link-kind = Kind of link
link-normal = Related
link-parent-of = Parent of
link-child-of = Child of
invalid-link-kind = Choose a kind of link.
invalid-link-target = No ticket you can see has that number.
toast-linked = Tickets linked.
toast-unlinked = Link removed.

reply-template = Answer template
reply-insert = Insert reply text

article-attachments = Attachments
article-attach = Attach files
size-bytes = { $n } B
size-kb = { $n } KB
size-mb = { $n } MB
invalid-form = The form could not be read; reload the page and try again.
error-too-large = That is more than goats accepts at once
live-reminder = Reminder: { $v }
live-escalation-warning = Escalates soon: { $v }
live-escalated = Escalated: { $v }
reminder-snooze = Snooze 1 h
reminder-snoozed = pending until { $v }
invalid-snooze = Snooze for 1 to 10080 minutes, or give a state.
dashboard-escalated = Escalated tickets
live-open = Open
action-set-responsible = Set responsible
toast-responsible-set = Responsible agent set.

admin-routes-title = Routes
admin-routes-source = Route files: { $v }
admin-routes-loaded = loaded { $v }
admin-routes-unused = { $n ->
    [one] one route not hit since start-up
   *[other] { $n } routes not hit since start-up
}
admin-routes-reload-failed = A change to the route files did not load ({ $v }); the routes below stay in service
admin-routes-filter = Which routes
admin-routes-all = All routes
admin-routes-only-unused = Not hit since start-up
admin-routes-method = Method
admin-routes-path = Path
admin-routes-serves = Served by
admin-routes-middleware = Middleware
admin-routes-declared = Declared in
admin-routes-hits = Hits

nav-admin = Admin
admin-nav = Administration
admin-users-title = Agents
admin-user-add = Add agent
admin-user-new-title = New agent
admin-user-title = Agent { $v }
admin-user-login = Login
admin-user-name = Name
admin-user-first-name = First name
admin-user-last-name = Last name
admin-user-email = Email address
admin-user-password = Password
admin-user-new-password = New password (leave empty to keep the current one)
admin-user-valid = Valid (may log in)
admin-user-is-valid = valid
admin-user-is-invalid = invalid
admin-user-created = Agent { $v } added.
admin-user-saved = Agent { $v } saved.
admin-user-grants = Group permissions
admin-user-grants-hint = The agent's own permissions on each group; permissions through roles are set on the roles.
admin-user-group = Group
admin-user-grants-save = Save permissions
admin-user-grants-saved = Permissions of { $v } saved.
admin-user-error-login = A login of 1 to 200 characters without spaces.
admin-user-error-login-taken = An agent with this login exists.
admin-user-error-name = Required, at most 200 characters.
admin-user-error-email = Not an email address.
admin-user-error-password = At least 8 characters.
admin-user-error-own-account = You cannot set your own account invalid.
admin-user-error-own-admin = You cannot take away your own administration (rw on admin); nothing else was held back.

# Notification settings
notify-settings-title = Notifications
notify-settings-link = Notifications…
notify-list-title = What reaches me
notify-list-hint = Notifications not listed here reach everyone they are meant for.
notify-none = There are no notifications to choose.
notify-name = Notification
notify-ways = By
notify-transport-email = Mail
notify-transport-in-app = In goats
notify-queues-title = My queues
notify-queues-hint = New tickets in these queues, and tickets moved into them, are announced to you.
notify-error-queue = Choose only queues you may read.
notify-saved = Notification settings saved.

# Mail accounts (admin)
admin-mail-title = Mail accounts
admin-mail-add = Add mail account
admin-mail-none = No mail accounts yet: goats reads no mailbox.
admin-mail-new-title = New mail account
admin-mail-edit-title = Mail account { $v }
admin-mail-login = Login
admin-mail-password = Password
admin-mail-new-password = New password (empty: keep the stored one)
admin-mail-host = Server
admin-mail-kind = Type
admin-mail-kind-unknown = not readable by goats
admin-mail-queue = New tickets go to
admin-mail-by-rules = By the postmaster's rules
admin-mail-host-example = imap.example.com:993
admin-mail-folder-default = INBOX
admin-mail-folder = IMAP folder
admin-mail-trusted = Trusted: believe the X-OTRS headers of its mail
admin-mail-valid = Valid (goats reads it)
admin-mail-test = Test connection
admin-mail-test-ok = The server accepted the login.
admin-mail-test-failed = The connection failed: { $v }
admin-mail-created = Mail account { $v } added.
admin-mail-saved = Mail account { $v } saved.
admin-mail-error-login = Enter the mailbox's login.
admin-mail-error-password = Enter the mailbox's password.
admin-mail-error-host = Enter a server name, optionally with :port.
admin-mail-error-kind = Choose IMAP, IMAPS, POP3 or POP3S.
admin-mail-error-queue = Choose a valid queue.

# Postmaster filters (admin)
admin-filters-title = Postmaster filters
admin-filter-add = Add filter
admin-filter-none = No postmaster filters: incoming mail goes where its account sends it.
admin-filter-new-title = New postmaster filter
admin-filter-edit-title = Postmaster filter { $v }
admin-filter-name = Name
admin-filter-matches = When
admin-filter-sets = Then set
admin-filter-actions = Actions
admin-filter-stops = stops later filters
admin-filter-delete = Delete
admin-filter-matches-legend = When every header matches its pattern (a regular expression, any case)
admin-filter-header = Header
admin-filter-pattern = Pattern
admin-filter-negate = does not match
admin-filter-sets-legend = Then set these headers
admin-filter-set-header = Header to set
admin-filter-set-value = Value
admin-filter-stop = No later filter runs on mail this one applies to
admin-filter-saved = Filter { $v } saved.
admin-filter-deleted = Filter { $v } deleted.
admin-filter-error-name = Enter a name.
admin-filter-error-matches = Enter at least one header and its pattern.
admin-filter-error-pattern = A pattern is not a regular expression.
admin-filter-error-sets = Choose at least one header to set.

# Agent notifications (admin)
admin-notifications-title = Notifications
admin-notification-add = Add notification
admin-notification-new-title = New notification
admin-notification-edit-title = Notification { $v }
admin-notification-name = Name
admin-notification-events = Sent on
admin-notification-recipients = To
admin-notification-ways = By
admin-notification-default-on = on for agents who have not chosen
admin-notification-choosable = Agents choose whether they get it (in their notification settings)
admin-notification-queues = Only for tickets in these queues (none ticked: any queue)
admin-notification-once-per-day = At most once a day per agent and ticket
admin-notification-out-of-office = Also to agents who are out of office
admin-notification-valid = Valid (sent)
admin-notification-texts = Texts
admin-notification-texts-hint = Tags such as <OTRS_TICKET_Title>, <OTRS_TICKET_TicketNumber>, <OTRS_NOTIFICATION_RECIPIENT_UserFirstname> and <OTRS_CUSTOMER_BODY[5]> are filled in. Agents get the text in their language, else English.
admin-notification-subject = Subject
admin-notification-text = Text
admin-notification-kept = Kept as they are, though goats does not act on them:
admin-notification-saved = Notification { $v } saved.
admin-notification-error-name = Enter a name of at most 200 characters.
admin-notification-error-name-taken = Another notification has this name.
admin-notification-error-events = Tick at least one event.
admin-notification-error-recipients = Tick at least one recipient.
admin-notification-error-transports = Tick at least one way.
admin-notification-error-messages = Give a subject and a text, in at least one language.
admin-notification-error-queues = Choose existing queues.

# A ticked or unticked checkbox dynamic field on the ticket zoom.
checkbox-ticked = Yes
checkbox-not-ticked = No

admin-valid = Validity
admin-comments = Comment
admin-error-comments = A comment has at most 250 characters.
admin-address-title = System addresses
admin-address-add = Add system address
admin-address-none = No system addresses yet: goats has no address to send mail from.
admin-address-new-title = New system address
admin-address-edit-title = System address { $v }
admin-address-email = Email address
admin-address-name = Display name
admin-address-queue = Queue
admin-address-valid = Valid (mail may be sent from it)
admin-address-created = System address { $v } added.
admin-address-saved = System address { $v } saved.
admin-address-error-email = Enter an email address, like support@example.com.
admin-address-error-name = Enter the name recipients see, up to 200 characters.
admin-address-error-queue = Choose a valid queue.
admin-address-error-taken = Another system address has this email address.
admin-auto-title = Auto-responses
admin-auto-add = Add auto-response
admin-auto-none = No auto-responses yet: no queue answers mail by itself.
admin-auto-new-title = New auto-response
admin-auto-edit-title = Auto-response { $v }
admin-auto-name = Name
admin-auto-kind = Sent when
admin-auto-kind-reply = a mail opens a new ticket
admin-auto-kind-reject = a follow-up to a closed ticket is rejected
admin-auto-kind-follow-up = a follow-up is added
admin-auto-kind-new-ticket = a follow-up to a closed ticket opens a new one
admin-auto-subject = Subject
admin-auto-body = Text
admin-auto-tags = Tags such as <OTRS_TICKET_TicketNumber>, <OTRS_CUSTOMER_SUBJECT[40]> and <OTRS_CUSTOMER_EMAIL[5]> are filled in when it is sent.
admin-auto-address = Sent from
admin-auto-valid = Valid (queues that have it send it)
admin-auto-created = Auto-response { $v } added.
admin-auto-saved = Auto-response { $v } saved.
admin-auto-queues = What each queue sends
admin-auto-no-answer = nothing
admin-auto-queue-title = Auto-responses of { $v }
admin-auto-queue-saved = The auto-responses of { $v } are saved.
admin-auto-error-name = Enter a name of up to 200 characters.
admin-auto-error-taken = Another auto-response has this name.
admin-auto-error-kind = Choose when it is sent.
admin-auto-error-subject = Enter a subject.
admin-auto-error-body = Enter the text that is sent.
admin-auto-error-address = Choose a valid system address.
admin-auto-error-queue = This queue is invalid: it sends nothing.
admin-auto-error-choice = Choose auto-responses that exist, one of each kind.
ticket-fields = Fields
action-save-fields = Save fields
toast-fields-saved = Fields saved.
field-no-value = (none)
time-utc = UTC
admin-notifications-none = No notifications yet: agents hear of nothing by mail or in goats.
admin-users-none = No agents yet.
