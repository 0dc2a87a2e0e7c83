# Die Agentenoberfläche auf Deutsch. Jeder Schlüssel muss auch in en/main.ftl stehen.

skip-to-content = Zum Inhalt springen
nav-label = Hauptmenü
nav-dashboard = Übersicht
nav-tickets = Tickets
search-label = Tickets suchen
search-placeholder = Nummer, Titel…
pref-theme = Darstellung
pref-language = Sprache
theme-system = Wie das System
theme-light = Hell
theme-dark = Dunkel
lang-en = English
lang-de = Deutsch
action-save = Speichern
action-logout = Abmelden
action-filter = Anwenden
action-add-article = Artikel hinzufügen
action-set-state = Status setzen
action-set-priority = Priorität setzen
action-move-to = In Queue verschieben
action-move = Verschieben
action-set-owner = Besitzer setzen
action-lock = Sperren
action-unlock = Freigeben
action-watch = Beobachten
action-unwatch = Nicht mehr beobachten
action-merge-into = Zusammenfassen mit Ticket
action-merge = Zusammenfassen

login-title = Anmelden
login-user = Benutzername
login-password = Passwort
login-submit = Anmelden
login-failed = Benutzername oder Passwort ist falsch.
login-throttled = Zu viele Fehlversuche. Bitte in { $n } Sekunden erneut versuchen.

error-back = Zurück
error-not-found = Nicht gefunden, oder Sie dürfen es nicht sehen
error-forbidden = Das dürfen Sie nicht
error-invalid = Bitte prüfen Sie Ihre Eingabe
error-conflict = Jemand anderes hat dies zuerst geändert
error-internal = In goats ist etwas schiefgegangen. Bitte zurückgehen und erneut versuchen; passiert es wieder, bitte die Administration informieren.
error-offline = Der Server ist nicht erreichbar. Nichts wurde geändert; bitte erneut versuchen.
error-unavailable = Die Datenbank antwortet nicht; bitte gleich noch einmal versuchen

invalid-article-kind = Bitte Notiz, Telefon oder Antwort wählen.
invalid-lock = Bitte Sperren oder Freigeben wählen.
invalid-merge-target = Kein für Sie sichtbares Ticket hat diese Nummer.
invalid-pending-time = Die Wartezeit ist kein gültiges Datum mit Uhrzeit.
invalid-reply-no-customer = Dieses Ticket hat keinen Kunden mit E-Mail-Adresse für eine Antwort.
invalid-time-units = Zeiteinheiten müssen eine Zahl sein, etwa 15 oder 0,5.

dashboard-title = Übersicht
dashboard-reminders = Meine fälligen Erinnerungen
dashboard-locked = Meine gesperrten Tickets
dashboard-new = Neue Tickets in meinen Queues
dashboard-counts = Tickets je Queue und Status
dashboard-count = Tickets

tickets-title = Tickets
tickets-none = Keine Tickets.
tickets-count = { $n ->
    [one] { $n } Ticket
   *[other] { $n } Tickets
}
articles-count = { $n ->
    [one] { $n } Artikel
   *[other] { $n } Artikel
}
filter-text = Text
filter-all = Alle
filter-state-active = Offen (alle nicht geschlossenen)
filter-state-pending = Wartend
filter-state-closed = Geschlossen
filter-age = Erstellt innerhalb
filter-age-days = { $n ->
    [one] { $n } Tag
   *[other] { $n } Tage
}
pagination = Seiten
page-label = Seite
page-previous = Zurück
page-next = Weiter

field-number = Nummer
field-title = Titel
field-queue = Queue
field-state = Status
field-priority = Priorität
field-owner = Besitzer
field-responsible = Verantwortlicher
field-lock = Sperre
field-customer = Kunde
field-customer-user = Kundenbenutzer
field-age = Alter
field-pending-until = Warten bis
field-time-accounted = Erfasste Zeit
lock-locked = Gesperrt
lock-unlocked = Frei
lock-short = G
age-minutes = { $n } Min.
age-hours = { $n } Std.
age-days = { $n } T.

ticket-views = Ticketansichten
ticket-history = Historie
ticket-actions = Ticketaktionen
pending-hint = Für Wartestatus nötig (UTC).
article-internal = Nur intern
article-visible = Für Kunden sichtbar
article-source = Originalnachricht herunterladen
delivery-queued = Wartet auf Versand
delivery-sent = Versendet
delivery-failed = Nicht zugestellt
article-headers = Kopfzeilen
article-kind = Artikel
article-kind-note = Interne Notiz
article-kind-phone = Telefonat
article-kind-reply = Antwort an Kunden
article-subject = Betreff
article-body = Text
article-time-units = Zeiteinheiten
sender-agent = Agent
sender-customer = Kunde
sender-system = System
channel-email = E-Mail
channel-phone = Telefon
channel-internal = Intern
channel-chat = Chat
header-from = Von
header-to = An
header-cc = Cc
header-message-id = Message-ID
history-when = Wann
history-type = Ereignis
history-detail = Details
history-by = Von

toast-article-added = Artikel hinzugefügt.
toast-state-set = Status gesetzt.
toast-priority-set = Priorität gesetzt.
toast-moved = Ticket verschoben.
toast-owner-set = Besitzer gesetzt.
toast-locked = Ticket gesperrt.
toast-unlocked = Ticket freigegeben.
toast-watching = Sie beobachten dieses Ticket.
toast-unwatched = Sie beobachten dieses Ticket nicht mehr.
toast-merged = Ticket zusammengefasst.

nav-new-ticket = Neues Ticket
new-kind = Art des Tickets
new-phone = Telefonanruf
new-email = E-Mail an Kunden
new-phone-title = Neues Telefon-Ticket
new-email-title = Neues E-Mail-Ticket
# The queue list of a new ticket starts on this, so a hurried agent never files into the first queue.
new-choose-queue = Queue wählen
new-no-queue = Sie dürfen in keiner Queue Tickets eröffnen.
new-customer-hint = Name oder Adresse eingeben, um Kundenbenutzer zu sehen; die E-Mail-Adresse einer noch unbekannten Person geht auch.
new-phone-body = Was der Kunde gesagt hat
new-email-body = Ihre Nachricht an den Kunden
action-create-ticket = Ticket erstellen
invalid-customer = Bitte einen Kundenbenutzer wählen oder eine E-Mail-Adresse eingeben.
toast-created = Ticket { $v } erstellt.

bulk-title = Ausgewählte Tickets ändern
bulk-unchanged = — unverändert —
bulk-apply = Auf Auswahl anwenden
bulk-select-all = Alle angezeigten Tickets auswählen
bulk-select = Ticket { $v } auswählen
bulk-done = Erledigt
bulk-failed = Abgelehnt
invalid-bulk-none = Bitte mindestens ein Ticket auswählen.
invalid-bulk-nothing = Bitte wählen, was geändert werden soll.
toast-bulk-done = { $n ->
    [one] { $n } Ticket geändert.
   *[other] { $n } Tickets geändert.
}

filters-saved = Gespeicherte Filter:
filter-field = Ticketfeld
filter-field-any = Beliebig
filter-field-value = Feldwert
filter-field-hint = Wörter eines Textes (* steht für Beliebiges), einer der Werte des Feldes, ja oder nein für ein Kästchen, ein Tag als JJJJ-MM-TT oder Tage als JJJJ-MM-TT..JJJJ-MM-TT.
filter-save-as = Filter speichern als
filter-save = Speichern
filter-delete = Gespeicherten Filter { $v } löschen
invalid-filter-name = Bitte dem Filter einen Namen geben.
invalid-filter-too-many = Es sind bereits so viele Filter gespeichert wie möglich; bitte zuerst einen löschen.
toast-filter-saved = Filter gespeichert.

links-title = Verknüpfte Tickets
links-none = Keine verknüpften Tickets.
action-link-to = Mit Ticket verknüpfen
action-link = Verknüpfen
action-unlink = Verknüpfung mit { $v } entfernen
link-kind = Art der Verknüpfung
link-normal = Verwandt
link-parent-of = Übergeordnet zu
link-child-of = Untergeordnet zu
invalid-link-kind = Bitte eine Art der Verknüpfung wählen.
invalid-link-target = Kein für Sie sichtbares Ticket hat diese Nummer.
toast-linked = Tickets verknüpft.
toast-unlinked = Verknüpfung entfernt.

reply-template = Antwortvorlage
reply-insert = Antworttext einfügen

article-attachments = Anhänge
article-attach = Dateien anhängen
size-bytes = { $n } B
size-kb = { $n } KB
size-mb = { $n } MB
invalid-form = Das Formular war nicht lesbar; bitte die Seite neu laden und erneut versuchen.
error-too-large = Das ist mehr, als goats auf einmal annimmt
live-reminder = Erinnerung: { $v }
live-escalation-warning = Eskaliert bald: { $v }
live-escalated = Eskaliert: { $v }
reminder-snooze = 1 Std. später erinnern
reminder-snoozed = wartet bis { $v }
invalid-snooze = Bitte 1 bis 10080 Minuten angeben oder einen Status wählen.
dashboard-escalated = Eskalierte Tickets
live-open = Öffnen
action-set-responsible = Verantwortlichen setzen
toast-responsible-set = Verantwortlicher gesetzt.

admin-routes-title = Routen
admin-routes-source = Routendateien: { $v }
admin-routes-loaded = geladen { $v }
admin-routes-unused = { $n ->
    [one] eine Route seit dem Start nicht aufgerufen
   *[other] { $n } Routen seit dem Start nicht aufgerufen
}
admin-routes-reload-failed = Eine Änderung der Routendateien ließ sich nicht laden ({ $v }); die folgenden Routen bleiben in Betrieb
admin-routes-filter = Welche Routen
admin-routes-all = Alle Routen
admin-routes-only-unused = Seit dem Start nicht aufgerufen
admin-routes-method = Methode
admin-routes-path = Pfad
admin-routes-serves = Bedient von
admin-routes-middleware = Middleware
admin-routes-declared = Deklariert in
admin-routes-hits = Aufrufe

nav-admin = Verwaltung
admin-nav = Verwaltung
admin-users-title = Agenten
admin-user-add = Agent hinzufügen
admin-user-new-title = Neuer Agent
admin-user-title = Agent { $v }
admin-user-login = Login
admin-user-name = Name
admin-user-first-name = Vorname
admin-user-last-name = Nachname
admin-user-email = E-Mail-Adresse
admin-user-password = Passwort
admin-user-new-password = Neues Passwort (leer lassen, um das bisherige zu behalten)
admin-user-valid = Gültig (darf sich anmelden)
admin-user-is-valid = gültig
admin-user-is-invalid = ungültig
admin-user-created = Agent { $v } hinzugefügt.
admin-user-saved = Agent { $v } gespeichert.
admin-user-grants = Gruppenrechte
admin-user-grants-hint = Die eigenen Rechte des Agenten in jeder Gruppe; Rechte über Rollen werden bei den Rollen gesetzt.
admin-user-group = Gruppe
admin-user-grants-save = Rechte speichern
admin-user-grants-saved = Rechte von { $v } gespeichert.
admin-user-error-login = Ein Login aus 1 bis 200 Zeichen ohne Leerzeichen.
admin-user-error-login-taken = Einen Agenten mit diesem Login gibt es schon.
admin-user-error-name = Pflichtfeld, höchstens 200 Zeichen.
admin-user-error-email = Keine E-Mail-Adresse.
admin-user-error-password = Mindestens 8 Zeichen.
admin-user-error-own-account = Das eigene Konto kann nicht ungültig gesetzt werden.
admin-user-error-own-admin = Die eigene Verwaltung (rw auf admin) kann nicht entzogen werden; alles andere wurde gespeichert.

# Notification settings
notify-settings-title = Benachrichtigungen
notify-settings-link = Benachrichtigungen…
notify-list-title = Was mich erreicht
notify-list-hint = Nicht aufgeführte Benachrichtigungen erreichen alle, für die sie bestimmt sind.
notify-none = Es gibt keine Benachrichtigungen zur Auswahl.
notify-name = Benachrichtigung
notify-ways = Per
notify-transport-email = E-Mail
notify-transport-in-app = In goats
notify-queues-title = Meine Queues
notify-queues-hint = Neue Tickets in diesen Queues und dorthin verschobene Tickets werden Ihnen gemeldet.
notify-error-queue = Wählen Sie nur Queues, die Sie lesen dürfen.
notify-saved = Benachrichtigungseinstellungen gespeichert.

# Mail accounts (admin)
admin-mail-title = E-Mail-Konten
admin-mail-add = E-Mail-Konto hinzufügen
admin-mail-none = Noch keine E-Mail-Konten: goats liest kein Postfach.
admin-mail-new-title = Neues E-Mail-Konto
admin-mail-edit-title = E-Mail-Konto { $v }
admin-mail-login = Benutzername
admin-mail-password = Passwort
admin-mail-new-password = Neues Passwort (leer: das gespeicherte behalten)
admin-mail-host = Server
admin-mail-kind = Typ
admin-mail-kind-unknown = für goats nicht lesbar
admin-mail-queue = Neue Tickets kommen in
admin-mail-by-rules = Nach den Regeln des Postmasters
admin-mail-host-example = imap.example.com:993
admin-mail-folder-default = INBOX
admin-mail-folder = IMAP-Ordner
admin-mail-trusted = Vertrauenswürdig: X-OTRS-Kopfzeilen seiner Mails glauben
admin-mail-valid = Gültig (goats liest es)
admin-mail-test = Verbindung testen
admin-mail-test-ok = Der Server hat die Anmeldung angenommen.
admin-mail-test-failed = Die Verbindung ist fehlgeschlagen: { $v }
admin-mail-created = E-Mail-Konto { $v } hinzugefügt.
admin-mail-saved = E-Mail-Konto { $v } gespeichert.
admin-mail-error-login = Geben Sie den Benutzernamen des Postfachs ein.
admin-mail-error-password = Geben Sie das Passwort des Postfachs ein.
admin-mail-error-host = Geben Sie einen Servernamen ein, optional mit :Port.
admin-mail-error-kind = Wählen Sie IMAP, IMAPS, POP3 oder POP3S.
admin-mail-error-queue = Wählen Sie eine gültige Queue.

# Postmaster filters (admin)
admin-filters-title = Postmaster-Filter
admin-filter-add = Filter hinzufügen
admin-filter-none = Keine Postmaster-Filter: eingehende Mails gehen dorthin, wohin ihr Konto sie schickt.
admin-filter-new-title = Neuer Postmaster-Filter
admin-filter-edit-title = Postmaster-Filter { $v }
admin-filter-name = Name
admin-filter-matches = Wenn
admin-filter-sets = Dann setzen
admin-filter-actions = Aktionen
admin-filter-stops = beendet spätere Filter
admin-filter-delete = Löschen
admin-filter-matches-legend = Wenn jede Kopfzeile ihrem Muster entspricht (regulärer Ausdruck, Groß-/Kleinschreibung egal)
admin-filter-header = Kopfzeile
admin-filter-pattern = Muster
admin-filter-negate = entspricht nicht
admin-filter-sets-legend = Dann diese Kopfzeilen setzen
admin-filter-set-header = Zu setzende Kopfzeile
admin-filter-set-value = Wert
admin-filter-stop = Kein späterer Filter läuft für Mails, auf die dieser zutrifft
admin-filter-saved = Filter { $v } gespeichert.
admin-filter-deleted = Filter { $v } gelöscht.
admin-filter-error-name = Geben Sie einen Namen ein.
admin-filter-error-matches = Geben Sie mindestens eine Kopfzeile mit ihrem Muster ein.
admin-filter-error-pattern = Ein Muster ist kein regulärer Ausdruck.
admin-filter-error-sets = Wählen Sie mindestens eine zu setzende Kopfzeile.

# Agent notifications (admin)
admin-notifications-title = Benachrichtigungen
admin-notification-add = Benachrichtigung hinzufügen
admin-notification-new-title = Neue Benachrichtigung
admin-notification-edit-title = Benachrichtigung { $v }
admin-notification-name = Name
admin-notification-events = Gesendet bei
admin-notification-recipients = An
admin-notification-ways = Per
admin-notification-default-on = an für Agenten ohne eigene Wahl
admin-notification-choosable = Agenten wählen, ob sie sie erhalten (in ihren Benachrichtigungseinstellungen)
admin-notification-queues = Nur für Tickets in diesen Queues (keine angehakt: jede Queue)
admin-notification-once-per-day = Höchstens einmal am Tag je Agent und Ticket
admin-notification-out-of-office = Auch an abwesende Agenten
admin-notification-valid = Gültig (wird gesendet)
admin-notification-texts = Texte
admin-notification-texts-hint = Platzhalter wie <OTRS_TICKET_Title>, <OTRS_TICKET_TicketNumber>, <OTRS_NOTIFICATION_RECIPIENT_UserFirstname> und <OTRS_CUSTOMER_BODY[5]> werden ausgefüllt. Agenten erhalten den Text in ihrer Sprache, sonst Englisch.
admin-notification-subject = Betreff
admin-notification-text = Text
admin-notification-kept = Unverändert behalten, obwohl goats sie nicht auswertet:
admin-notification-saved = Benachrichtigung { $v } gespeichert.
admin-notification-error-name = Geben Sie einen Namen mit höchstens 200 Zeichen ein.
admin-notification-error-name-taken = Eine andere Benachrichtigung hat diesen Namen.
admin-notification-error-events = Haken Sie mindestens ein Ereignis an.
admin-notification-error-recipients = Haken Sie mindestens einen Empfänger an.
admin-notification-error-transports = Haken Sie mindestens einen Weg an.
admin-notification-error-messages = Geben Sie Betreff und Text in mindestens einer Sprache an.
admin-notification-error-queues = Wählen Sie vorhandene Queues.

# A ticked or unticked checkbox dynamic field on the ticket zoom.
checkbox-ticked = Ja
checkbox-not-ticked = Nein

admin-valid = Gültigkeit
admin-comments = Kommentar
admin-error-comments = Ein Kommentar hat höchstens 250 Zeichen.
admin-address-title = Systemadressen
admin-address-add = Systemadresse hinzufügen
admin-address-none = Noch keine Systemadressen: goats hat keine Adresse, von der es Mail senden kann.
admin-address-new-title = Neue Systemadresse
admin-address-edit-title = Systemadresse { $v }
admin-address-email = E-Mail-Adresse
admin-address-name = Anzeigename
admin-address-queue = Queue
admin-address-valid = Gültig (Mail darf von ihr gesendet werden)
admin-address-created = Systemadresse { $v } hinzugefügt.
admin-address-saved = Systemadresse { $v } gespeichert.
admin-address-error-email = Geben Sie eine E-Mail-Adresse ein, etwa support@example.com.
admin-address-error-name = Geben Sie den Namen ein, den Empfänger sehen, höchstens 200 Zeichen.
admin-address-error-queue = Wählen Sie eine gültige Queue.
admin-address-error-taken = Eine andere Systemadresse hat diese E-Mail-Adresse.
admin-auto-title = Automatische Antworten
admin-auto-add = Automatische Antwort hinzufügen
admin-auto-none = Noch keine automatischen Antworten: keine Queue beantwortet Mail von selbst.
admin-auto-new-title = Neue automatische Antwort
admin-auto-edit-title = Automatische Antwort { $v }
admin-auto-name = Name
admin-auto-kind = Gesendet, wenn
admin-auto-kind-reply = eine Mail ein neues Ticket eröffnet
admin-auto-kind-reject = eine Nachfrage zu einem geschlossenen Ticket abgewiesen wird
admin-auto-kind-follow-up = eine Nachfrage hinzugefügt wird
admin-auto-kind-new-ticket = eine Nachfrage zu einem geschlossenen Ticket ein neues eröffnet
admin-auto-subject = Betreff
admin-auto-body = Text
admin-auto-tags = Platzhalter wie <OTRS_TICKET_TicketNumber>, <OTRS_CUSTOMER_SUBJECT[40]> und <OTRS_CUSTOMER_EMAIL[5]> werden beim Senden ausgefüllt.
admin-auto-address = Gesendet von
admin-auto-valid = Gültig (Queues, denen sie zugeordnet ist, senden sie)
admin-auto-created = Automatische Antwort { $v } hinzugefügt.
admin-auto-saved = Automatische Antwort { $v } gespeichert.
admin-auto-queues = Was jede Queue sendet
admin-auto-no-answer = nichts
admin-auto-queue-title = Automatische Antworten von { $v }
admin-auto-queue-saved = Die automatischen Antworten von { $v } sind gespeichert.
admin-auto-error-name = Geben Sie einen Namen mit höchstens 200 Zeichen ein.
admin-auto-error-taken = Eine andere automatische Antwort hat diesen Namen.
admin-auto-error-kind = Wählen Sie, wann sie gesendet wird.
admin-auto-error-subject = Geben Sie einen Betreff ein.
admin-auto-error-body = Geben Sie den Text ein, der gesendet wird.
admin-auto-error-address = Wählen Sie eine gültige Systemadresse.
admin-auto-error-queue = Diese Queue ist ungültig: sie sendet nichts.
admin-auto-error-choice = Wählen Sie vorhandene automatische Antworten, eine je Art.
ticket-fields = Felder
action-save-fields = Felder speichern
toast-fields-saved = Felder gespeichert.
field-no-value = (keiner)
time-utc = UTC
admin-notifications-none = Noch keine Benachrichtigungen: Agenten erfahren nichts per Mail oder in goats.
admin-users-none = Noch keine Agenten.
