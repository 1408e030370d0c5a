# imips Worte für Menschen, auf Deutsch.

headline-invitation = { $who } lädt Sie zu „{ $title }“ ein.
headline-update = { $who } hat „{ $title }“ geändert.
headline-added = { $who } hat „{ $title }“ weitere Termine hinzugefügt.
headline-cancellation = { $who } hat „{ $title }“ abgesagt.
headline-organizer-changed = „{ $title }“ hat einen neuen Organisator: { $who }.
headline-published = { $who } hat „{ $title }“ veröffentlicht.
headline-reply = { $who } hat „{ $title }“ { $answer ->
    [accepted] zugesagt
    [declined] abgesagt
    [tentative] vorläufig zugesagt
    [delegated] weitergegeben
    *[other] beantwortet
  }.
headline-counter = { $who } schlägt eine Änderung von „{ $title }“ vor.
headline-counter-declined = { $who } hat Ihren Vorschlag zu „{ $title }“ abgelehnt.
headline-refresh = { $who } hat die aktuelle Fassung von „{ $title }“ angefordert; sie wurde gesendet.
headline-booking = { $who } möchte „{ $title }“ buchen.
headline-approval-needed = „{ $title }“ wartet auf Ihre Zustimmung.
headline-delivery-failed = „{ $title }“ konnte { $who } nicht zugestellt werden.
headline-delivery-delayed = „{ $title }“ hat { $who } noch nicht erreicht.

label-when = Wann
label-repeats = Wiederholung
label-where = Wo
label-organizer = Organisator
label-attendees = Teilnehmer
label-description = Beschreibung

all-day = ganztägig
as-sent = { $time } in { $zone }, wie gesendet

answer-accepted = zugesagt
answer-declined = abgesagt
answer-tentative = vorläufig
answer-delegated = weitergegeben
answer-needs-action = noch keine Antwort
answer-other = { $answer }

repeats = { $frequency ->
    [daily] { $interval ->
        [1] jeden Tag
        *[other] alle { $interval } Tage
      }
    [weekly] { $interval ->
        [1] jede Woche
        *[other] alle { $interval } Wochen
      }
    [monthly] { $interval ->
        [1] jeden Monat
        *[other] alle { $interval } Monate
      }
    [yearly] { $interval ->
        [1] jedes Jahr
        *[other] alle { $interval } Jahre
      }
    *[other] nach eigener Regel
  }
repeats-on = am { $days }
repeats-until = bis { $date }
repeats-count = { $count } Mal

original-attached = Die ursprüngliche Nachricht ist angehängt.

summary-refused = imip hat diese Kalendernachricht nicht übernommen: { $reason }.
    Seien Sie vorsichtig: Sie stammt vielleicht nicht von dem, der sie zu senden vorgibt.
summary-unchanged = Ihr Kalender ist unverändert: { $reason }.
summary-ignored = imip hat diese Kalendernachricht nicht verarbeitet: { $reason }.
summary-updated = Ihr Kalender wurde aktualisiert.

headline-refresh-request = { $who } bittet um die aktuelle Fassung von „{ $title }“.
calendar-attached = Die Kalenderdaten sind für Kalenderprogramme angehängt.
subject = { $method ->
    [PUBLISH] Veröffentlicht
    [REQUEST] Einladung
    [REPLY] Antwort
    [ADD] Weitere Termine
    [CANCEL] Abgesagt
    [REFRESH] Bitte um Aktualisierung
    [COUNTER] Gegenvorschlag
    [DECLINECOUNTER] Gegenvorschlag abgelehnt
    *[other] Kalender
  }: { $title }

label-changed = Geändert
change-time = die Zeit; vorher { $before }
change-place = der Ort; vorher { $before }
change-place-none = der Ort; vorher keiner
change-added = jetzt auch eingeladen: { $who }
change-removed = nicht mehr eingeladen: { $who }
label-cancelled = Abgesagt
cancelled-occurrences = { $count ->
    [one] dieser Termin: { $dates }
    *[other] { $count } Termine: { $dates }
  }
cancelled-series = die ganze Serie

label-booking = Buchung
owner-answer = { $resource } { $answer ->
    [accepted] hat sie angenommen
    [partly-accepted] hat sie angenommen, einzelne Termine abgelehnt
    [declined] hat sie abgelehnt
    [countered] hat eine andere Zeit vorgeschlagen
    [delegated] hat sie an eine andere Ressource weitergegeben
    [held] hält sie für Ihre Zustimmung zurück
    [released] hat die Zeit freigegeben
    *[other] hat geantwortet
  }.
owner-held-by = Zurückgehalten durch die Regel „{ $policy }“.
owner-can = { $actions ->
    [both] Sie können diese Buchung annehmen oder ablehnen.
    [approve] Sie können diese Buchung annehmen.
    [decline] Sie können diese Buchung ablehnen.
    *[other] Sie müssen nichts tun.
  }

agenda-title = { $who }: { $first } – { $last } ({ $zone })
agenda-nothing = nichts geplant
agenda-you-organize = von dir organisiert
agenda-waits = ? wartet auf eine Antwort

reason-not-allowed = { $resource } kann nicht von { $organizer } gebucht werden.
reason-only-from-domain = { $resource } kann nur von { $domain } aus gebucht werden.
reason-needs-approval = Buchungen von { $organizer } muss { $owner } genehmigen.
reason-no-free-slot = { $resource } ist um { $at } nicht frei und hat in den folgenden { $days } Tag(en) keinen freien Zeitraum dieser Länge.
reason-delegated = { $resource } { $kind ->
    [busy] ist belegt
    *[collection] ist eine Gruppe
  }; { $to } wird gebeten, die Buchung zu übernehmen.
reason-no-member-free = Leider ist zu dieser Zeit kein Mitglied von { $resource } frei.
reason-beyond-window = { $resource } nimmt Buchungen bis zu { $days } Tag(e) im Voraus an, bis { $latest }.
reason-not-booked-after = Termine nach { $latest } sind nicht gebucht.
reason-too-short = { $resource } wird für mindestens { $length } gebucht.
reason-too-long = { $resource } wird für höchstens { $length } gebucht.
reason-no-working-hours = { $resource } kann seine Arbeitszeiten nicht lesen.
reason-no-recurring = { $resource } nimmt keine Serienbuchungen an.
reason-unavailable = { $resource } ist um { $at } nicht frei: { $why }.
reason-instance-declined = Der Termin um { $at } ist abgelehnt: { $why }.
reason-no-quota = Sie haben kein Kontingent für { $resource }.
reason-open-ended-under-quota = Eine Serie ohne Ende kann mit einem Kontingent für { $resource } nicht gebucht werden.
reason-quota-exceeded = Die Buchung überschreitet Ihr Kontingent für { $resource }: { $limit } { $per ->
    [day] pro Tag
    [week] pro Woche
    [month] pro Monat
    *[upcoming] in kommenden Buchungen
  }, { $used } bereits verbraucht.
reason-already-holds-member = { $organizer } hat um { $at } bereits { $member }; nur eine Ressource dieser Gruppe zugleich.
reason-only-at = { $resource } kann nur { $times } gebucht werden; { $at } geht nicht.
reason-nothing-to-book = { $resource } kann keinen Termin dieser Buchung übernehmen.
reason-suggests = { $resource } schlägt eine andere Zeit vor: { $start } bis { $end }.
reason-reserved = { $resource } hat die gewünschte Zeit vorgemerkt, die Genehmigung steht aus: { $why }
reason-scheduled = { $resource } hat die gewünschte Zeit gebucht.
reason-no-instance = { $resource } hat in den Tagen, die es plant, keinen Termin zu buchen.
trouble-already-booked = bereits gebucht
trouble-outside-working-hours = außerhalb der Arbeitszeit
permitted-any-minute = jeder Minute
permitted-past-the-hour = zu { $minutes } jeder Stunde
permitted-of-hours = zu { $minutes } der Stunden { $hours }

answer-links = Mit einem Klick antworten:
link-accept = Zusagen
link-tentative = Vorläufig
link-decline = Absagen

owner-open = Im Web-Manager öffnen:

web-calendar = Kalender
web-waiting = Offen
web-new-event = Neuer Termin
web-preferences = Einstellungen
web-sign-out = Abmelden
web-acting-for = handelt für
web-earlier = ← Früher
web-later = Später →
web-day = Tag
web-week = Woche
web-month = Monat
web-next-30 = Nächste 30 Tage
web-nothing-in-days = In diesen Tagen ist nichts geplant.
web-waits = wartet auf Ihre Antwort
web-waiting-title = Wartet auf Sie
web-nothing-waits = Nichts wartet auf eine Antwort.
web-short-name = Kurzname:
web-clashes = Zur selben Zeit in Ihrem Kalender:
web-busy-untitled = (belegt)
web-approval-title = Diese Buchung wartet auf Ihre Genehmigung
web-comment-optional = Kommentar (optional)
web-approve = Genehmigen
web-decline = Absagen
web-your-answer = Ihre Antwort
web-answer-now = Ihre Antwort bisher:
web-for = Für
web-every-occurrence = jeden Termin der Serie
web-only = nur
web-accept = Zusagen
web-tentative = Vorläufig
web-propose-title = Eine andere Zeit oder einen anderen Ort vorschlagen
web-place = Ort
web-comment = Kommentar
web-send-proposal = Vorschlag senden
web-delegate-title = Jemanden an Ihrer Stelle schicken
web-their-address = Deren Mailadresse
web-delegate = Weitergeben
web-proposes = schlägt vor:
web-accept-proposal = Vorschlag annehmen
web-decline-proposal = Ablehnen
web-change-title = Termin ändern
web-title = Titel
web-invite = Einladen (Adressen, durch Kommas getrennt)
web-uninvite = Ausladen (Adressen, durch Kommas getrennt)
web-send-update = Änderung senden
web-cancel-title = Termin absagen
web-cancel-note = Alle Eingeladenen werden benachrichtigt.
web-cancel-occurrence-title = Einen Termin der Serie absagen
web-cancel-occurrence-note = Nur dieser Termin wird abgesagt: seine Teilnehmer werden benachrichtigt, die übrige Serie bleibt.
web-which-occurrence = Welcher Termin
web-start = Beginn
web-end = Ende
web-zone = Zeitzone

web-find-time = Eine Zeit finden
web-people = Personen (Adressen, durch Kommas getrennt)
web-room = Raum oder Ausstattung
web-length = Dauer in Minuten
web-show-busy = Belegte Zeiten zeigen
web-busy-on = Belegt am
web-free-for-all = Für alle frei
web-no-free-slot = Keine freie Zeit zwischen 08:00 und 18:00.
web-the-event = Der Termin
web-repeats = Wiederholung
web-once = einmal
web-daily-5 = jeden Tag, 5 Mal
web-weekly-4 = jede Woche, 4 Mal
web-weekly-10 = jede Woche, 10 Mal
web-monthly-6 = jeden Monat, 6 Mal
web-description = Beschreibung
web-create = Anlegen und einladen
web-none = keine
web-your-name = Ihr Name
web-language = Sprache
web-incoming = Kalendermail in Ihrem Postfach
web-incoming-wrap = eine Zusammenfassung, das Original angehängt
web-incoming-summary-then = eine Zusammenfassung, dann das Original
web-incoming-message-then = das Original, dann eine Zusammenfassung
web-incoming-summary-only = nur eine Zusammenfassung
web-incoming-message-only = nur das Original
web-agent = Der Kalenderagent
web-agent-on = führt meinen Kalender
web-agent-off = lässt meine Post in Ruhe
web-sharing = Frei/Belegt-Anfragen
web-sharing-on = werden beantwortet
web-sharing-off = werden nicht beantwortet
web-publishing = Frei/Belegt im Web
web-publishing-on = wird veröffentlicht
web-publishing-off = wird nicht veröffentlicht
web-availability = Verfügbarkeit als iCalendar-Text (VAVAILABILITY, RFC 7953)
web-availability-hint = Ihre Verfügbarkeit sagt mehr als Arbeitszeiten und wird deshalb so gezeigt, wie sie geschrieben ist. Leeren und speichern Sie sie, um stattdessen Arbeitszeiten festzulegen.
web-hours = Arbeitszeiten
web-hours-hint = Außerhalb dieser Zeiten zeigen Ihre Frei/Belegt-Zeiten Sie als nicht verfügbar. Kreuzen Sie keinen Tag an, um jederzeit verfügbar zu sein. Die Zeiten gelten in { $zone }.
web-hours-from = von
web-hours-until = bis
web-hours-and = und
web-save = Speichern
web-feed-title = Kalender-Feed
web-feed-subscribe = Abonnieren Sie diese private Adresse in Ihrer Kalender-App (nur lesen):
web-feed-new = Neue Adresse erzeugen (die alte gilt nicht mehr)
web-feed-off = Feed abschalten
web-feed-none = Noch kein Feed.
web-feed-make = Private Feed-Adresse erzeugen
web-sign-in-title = Bei Ihrem Kalender anmelden
web-mail-address = Mailadresse
web-password = Passwort
web-sign-in = Anmelden
web-login-wrong = Adresse und Passwort passen nicht zusammen.
# Was eine Seite nach einer Aktion sagt (web/done.rs in imip-cli).
web-done-sent = Erledigt. Die E-Mail dazu ist verschickt.
web-done-waiting = Erledigt. Die E-Mail dazu wartet im Postausgang und wird gleich erneut verschickt.
web-done-recorded = Erledigt. Niemand musste benachrichtigt werden, daher wurde keine E-Mail verschickt.
web-done-dry-run = Erledigt, als Probelauf: Es wurde keine E-Mail verschickt.
web-done-preferences = Ihre Einstellungen sind gespeichert.
web-done-feed-new = Eine neue Feed-Adresse ist bereit. Die alte gilt nicht mehr.
web-done-feed-off = Der Feed ist abgeschaltet. Seine Adresse gilt nicht mehr.
web-thank-you = Vielen Dank
web-to-calendar = Zu Ihrem Kalender
# Warum eine eigene Aktion abgelehnt wurde (words/refusal.rs).
web-refused-title = Nichts wurde getan
refused-not-invited = { $who } ist zu diesem Termin nicht eingeladen, es gibt also nichts zu beantworten.
refused-not-invited-to-occurrence = { $who } ist zu diesem Einzeltermin nicht eingeladen.
refused-not-organizer = Das kann nur der Organisator, und { $who } organisiert diesen Termin nicht.
refused-not-a-resource = { $who } ist kein Raum und kein Gerät, es gibt also nichts zu genehmigen.
refused-nothing-to-approve = Keine Buchung von { $who } wartet auf Genehmigung: Vielleicht wurde sie schon beantwortet.
refused-no-organizer = Der Termin nennt keinen Organisator, es gibt also niemanden, dem Sie antworten könnten.
refused-end-before-start = Das Ende muss nach dem Beginn liegen.
refused-attendee-cannot-change = Nur der Organisator kann { $what } ändern. Schlagen Sie stattdessen eine andere Zeit oder einen anderen Ort vor.
refused-no-such-occurrence = Der Termin findet am { $date } um { $time } nicht statt.
refused-other = Der Kalender hat es abgelehnt: { $reason }.
# Die Fehlerseiten der Weboberfläche (web/error.rs in imip-cli).
web-error-title-bad = Das hat nicht geklappt
web-error-title-forbidden = Kein Zugriff
web-error-title-not-found = Nicht gefunden
web-error-title-csrf = Bitte erneut versuchen
web-error-title-too-many = Zu viele Versuche
web-error-title-unavailable = Versuchen Sie es gleich noch einmal
web-error-title-link = Dieser Link kann nicht verwendet werden
web-error-forbidden = Sie können nur Ihre eigenen Termine und die Ihrer Ressourcen sehen und bearbeiten.
web-error-csrf = Dieses Formular ist veraltet oder stammt nicht von dieser Seite. Gehen Sie zurück, laden Sie die Seite neu und senden Sie es noch einmal.
web-error-too-many = Zu viele fehlgeschlagene Anmeldungen. Warten Sie ein paar Minuten und versuchen Sie es dann noch einmal.
web-error-unavailable = Der Kalenderspeicher ist gerade nicht erreichbar. Es wurde nichts geändert.
web-error-field-too-long = Ein Feld ist zu lang.
web-error-not-an-answer = „{ $text }“ ist keine Antwort.
web-error-not-an-occurrence = „{ $text }“ ist kein Einzeltermin der Serie.
web-error-start-with-end = Geben Sie zum Ende auch einen Beginn an.
web-error-not-a-time = „{ $text }“ ist keine Zeitangabe; geben Sie eine wie 2027-01-12 10:00 an.
web-error-not-a-zone = „{ $text }“ ist keine Zeitzone (etwa Europe/Berlin).
web-error-hours = { $day }: Das Ende muss nach dem Beginn liegen.
web-error-hours-time = { $day }: „{ $text }“ ist keine Uhrzeit (etwa 09:00).
web-error-hours-overlap = { $day }: Die beiden Zeitspannen dürfen sich nicht überschneiden.
web-error-name = Ein Name hat höchstens 200 Zeichen, in einer Zeile.
web-error-language = „{ $text }“ ist kein Sprachkürzel (etwa de oder en).
web-error-choice = „{ $text }“ ist keine der Auswahlmöglichkeiten.
web-error-availability = Diese Verfügbarkeit lässt sich nicht lesen: Sie muss iCalendar-Text mit einer VAVAILABILITY-Komponente sein (RFC 7953).
web-error-not-an-address = „{ $text }“ ist keine E-Mail-Adresse.
web-error-event-gone = Dieser Termin ist nicht mehr im Kalender.
web-error-propose-something = Schlagen Sie eine Zeit oder einen Ort vor.
web-error-someone-else = Nennen Sie jemand anderen.
web-error-not-a-decision = „{ $text }“ ist keine Entscheidung.
web-error-give-start = Geben Sie einen Beginn an.
web-error-change-something = Ändern Sie zuerst etwas.
web-error-feed-choice = Wählen Sie, ob eine Feed-Adresse erstellt oder der Feed abgeschaltet werden soll.
web-error-link-expired = Dieser Antwortlink ist abgelaufen. Antworten Sie stattdessen in Ihrem Kalender.
web-error-link-altered = Dieser Antwortlink ist ungültig: Vielleicht wurde er abgeschnitten oder verändert.
web-error-link-invalid = Dieser Antwortlink ist ungültig.
web-error-link-used = Dieser Antwortlink wurde bereits verwendet.
web-error-link-changed = Die Einladung hat sich geändert, seit diese E-Mail verschickt wurde. Beantworten Sie die neueste Fassung in Ihrem Kalender.
web-error-link-answered = Sie haben bereits { $answer ->
    [ACCEPTED] zugesagt
    [DECLINED] abgesagt
    [TENTATIVE] vorläufig zugesagt
   *[other] mit { $answer } geantwortet
  }.
web-error-proxy-sign-in = Die Anmeldung übernimmt der Webserver vor imip.
web-error-no-page = Diese Seite gibt es nicht.
web-error-not-a-view = „{ $text }“ ist keine Ansicht: Tag, Woche, Monat oder Agenda (day, week, month, agenda).
web-error-not-a-date = „{ $text }“ ist kein Datum; geben Sie eines wie 2027-01-11 an.
web-error-name-event = Nennen Sie einen Termin.
web-error-no-such-event = Diesen Termin gibt es in diesem Kalender nicht.
web-error-ambiguous = Dieser Kurzname passt zu mehr als einem Termin.
web-error-length = „{ $text }“: Geben Sie eine Dauer in Minuten an, 15 bis 600.
web-error-freebusy-unpublished = Diese Frei/Belegt-Zeiten sind nicht veröffentlicht.
web-error-no-feed = Diesen Feed gibt es nicht.
web-error-feed-off = Diese Feed-Adresse wurde abgeschaltet.
# Warum ein entworfener oder bearbeiteter Termin nicht angelegt werden kann (words/refusal.rs).
draft-no-title = Der Termin braucht einen Titel.
draft-end-not-after-start = Das Ende ({ $end }) liegt nicht nach dem Beginn ({ $start }).
draft-skipped-time = { $time } gibt es in { $zone } nicht: Die Uhren werden dann vorgestellt. Wählen Sie eine andere Zeit.
draft-invalid-value = { $property } ist ungültig: „{ $value }“.
draft-series-has-exceptions = Einzelne Termine dieser Serie wurden eigens geändert. Sagen Sie die Serie ab und legen Sie sie neu an, um sie zu verschieben.
draft-not-an-event = Hier lassen sich nur Termine bearbeiten.
draft-not-recurring = Dieser Termin wiederholt sich nicht: Sagen Sie den Termin selbst ab.
draft-floating-series = Ein einzelner Termin einer ganztägigen oder zeitzonenlosen Serie lässt sich hier nicht absagen. Bearbeiten Sie die Serie oder sagen Sie sie ab.
draft-no-such-occurrence = Die Serie hat am { $date } um { $time } keinen Termin, der abgesagt werden könnte.
