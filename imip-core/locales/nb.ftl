# imips ord til mennesker, på norsk bokmål.

headline-invitation = { $who } inviterer deg til «{ $title }».
headline-update = { $who } har endret «{ $title }».
headline-added = { $who } har lagt til flere ganger i «{ $title }».
headline-cancellation = { $who } har avlyst «{ $title }».
headline-organizer-changed = «{ $title }» har fått en ny arrangør: { $who }.
headline-published = { $who } har publisert «{ $title }».
headline-reply = { $who } har { $answer ->
    [accepted] takket ja til
    [declined] takket nei til
    [tentative] foreløpig takket ja til
    [delegated] gitt videre
    *[other] svart på
  } «{ $title }».
headline-counter = { $who } foreslår en endring av «{ $title }».
headline-counter-declined = { $who } har avslått forslaget ditt til «{ $title }».
headline-refresh = { $who } ba om den nyeste utgaven av «{ $title }»; den er sendt.
headline-booking = { $who } vil booke «{ $title }».
headline-approval-needed = «{ $title }» venter på godkjenningen din.
headline-delivery-failed = «{ $title }» kunne ikke leveres til { $who }.
headline-delivery-delayed = «{ $title }» har ikke nådd fram til { $who } ennå.

label-when = Når
label-repeats = Gjentas
label-where = Hvor
label-organizer = Arrangør
label-attendees = Deltakere
label-description = Beskrivelse

all-day = hele dagen
as-sent = { $time } i { $zone }, slik det ble sendt

answer-accepted = ja
answer-declined = nei
answer-tentative = kanskje
answer-delegated = gitt videre
answer-needs-action = ikke svart ennå
answer-other = { $answer }

repeats = { $frequency ->
    [daily] { $interval ->
        [1] hver dag
        *[other] hver { $interval }. dag
      }
    [weekly] { $interval ->
        [1] hver uke
        *[other] hver { $interval }. uke
      }
    [monthly] { $interval ->
        [1] hver måned
        *[other] hver { $interval }. måned
      }
    [yearly] { $interval ->
        [1] hvert år
        *[other] hvert { $interval }. år
      }
    *[other] etter sin egen regel
  }
repeats-on = på { $days }
repeats-until = til { $date }
repeats-count = { $count } ganger

original-attached = Den opprinnelige meldingen er vedlagt.

summary-refused = imip har ikke tatt i bruk denne kalendermeldingen: { $reason }.
    Vær forsiktig: den kommer kanskje ikke fra den den utgir seg for å være.
summary-unchanged = Kalenderen din er uendret: { $reason }.
summary-ignored = imip har latt denne kalendermeldingen være: { $reason }.
summary-updated = Kalenderen din er oppdatert.

headline-refresh-request = { $who } ber om den nyeste utgaven av «{ $title }».
calendar-attached = Kalenderdataene er vedlagt for kalenderprogrammer.
subject = { $method ->
    [PUBLISH] Publisert
    [REQUEST] Invitasjon
    [REPLY] Svar
    [ADD] Flere ganger
    [CANCEL] Avlyst
    [REFRESH] Forespørsel om oppdatering
    [COUNTER] Motforslag
    [DECLINECOUNTER] Motforslag avslått
    *[other] Kalender
  }: { $title }

label-changed = Endret
change-time = tidspunktet; før { $before }
change-place = stedet; før { $before }
change-place-none = stedet; før ingen
change-added = nå også invitert: { $who }
change-removed = ikke lenger invitert: { $who }
label-cancelled = Avlyst
cancelled-occurrences = { $count ->
    [one] denne gangen: { $dates }
    *[other] { $count } ganger: { $dates }
  }
cancelled-series = hele serien

label-booking = Booking
owner-answer = { $resource } { $answer ->
    [accepted] har godtatt den
    [partly-accepted] har godtatt den, med enkelte ganger avslått
    [declined] har avslått den
    [countered] har foreslått et annet tidspunkt
    [delegated] har gitt den videre til en annen ressurs
    [held] holder den tilbake for godkjenningen din
    [released] har frigitt tiden
    *[other] har svart
  }.
owner-held-by = Holdt tilbake av regelen «{ $policy }».
owner-can = { $actions ->
    [both] Du kan godkjenne eller avslå denne bookingen.
    [approve] Du kan godkjenne denne bookingen.
    [decline] Du kan avslå denne bookingen.
    *[other] Du trenger ikke å gjøre noe.
  }

agenda-title = { $who }: { $first } – { $last } ({ $zone })
agenda-nothing = ingenting planlagt
agenda-you-organize = du er arrangør
agenda-waits = ? venter på svar

reason-not-allowed = { $resource } kan ikke bookes av { $organizer }.
reason-only-from-domain = { $resource } kan bare bookes fra { $domain }.
reason-needs-approval = bookinger fra { $organizer } må godkjennes av { $owner }.
reason-no-free-slot = { $resource } er opptatt { $at } og har ingen ledig tid av den lengden de neste { $days } dag(ene).
reason-delegated = { $resource } { $kind ->
    [busy] er opptatt
    *[collection] er en samling
  }; { $to } blir bedt om å ta bookingen.
reason-no-member-free = Beklager: ingen i { $resource } er ledig på det tidspunktet.
reason-beyond-window = { $resource } tar imot bookinger inntil { $days } dag(er) fram i tid, til { $latest }.
reason-not-booked-after = Forekomster etter { $latest } er ikke booket.
reason-too-short = { $resource } bookes i minst { $length }.
reason-too-long = { $resource } bookes i høyst { $length }.
reason-no-working-hours = { $resource } kan ikke lese arbeidstiden sin.
reason-no-recurring = { $resource } tar ikke imot gjentatte bookinger.
reason-unavailable = { $resource } er ikke ledig { $at }: { $why }.
reason-instance-declined = Forekomsten { $at } er avslått: { $why }.
reason-no-quota = Du har ingen kvote for { $resource }.
reason-open-ended-under-quota = En serie uten slutt kan ikke bookes under en kvote for { $resource }.
reason-quota-exceeded = Bookingen overskrider kvoten din for { $resource }: { $limit } { $per ->
    [day] per dag
    [week] per uke
    [month] per måned
    *[upcoming] i kommende bookinger
  }, { $used } allerede brukt.
reason-already-holds-member = { $organizer } har allerede { $member } { $at }; bare én ressurs fra denne gruppen om gangen.
reason-only-at = { $resource } kan bare bookes { $times }; { $at } går ikke.
reason-nothing-to-book = { $resource } kan ikke ta noen forekomst av denne bookingen.
reason-suggests = { $resource } foreslår et annet tidspunkt: { $start } til { $end }.
reason-reserved = { $resource } har reservert det ønskede tidspunktet, venter på godkjenning: { $why }
reason-scheduled = { $resource } har booket det ønskede tidspunktet.
reason-no-instance = { $resource } har ingen forekomst å booke i dagene den planlegger.
trouble-already-booked = allerede booket
trouble-outside-working-hours = utenfor arbeidstiden
permitted-any-minute = hvert minutt
permitted-past-the-hour = { $minutes } over hver time
permitted-of-hours = { $minutes } i timene { $hours }

answer-links = Svar med ett klikk:
link-accept = Ja
link-tentative = Kanskje
link-decline = Nei

owner-open = Åpne den i nettbehandleren:

web-calendar = Kalender
web-waiting = Venter
web-new-event = Ny avtale
web-preferences = Innstillinger
web-sign-out = Logg ut
web-acting-for = handler for
web-earlier = ← Tidligere
web-later = Senere →
web-day = Dag
web-week = Uke
web-month = Måned
web-next-30 = De neste 30 dagene
web-nothing-in-days = Ingenting planlagt disse dagene.
web-waits = venter på svaret ditt
web-waiting-title = Venter på deg
web-nothing-waits = Ingenting venter på svar.
web-short-name = Kortnavn:
web-clashes = Samtidig i kalenderen din:
web-busy-untitled = (opptatt)
web-approval-title = Denne bookingen venter på godkjenningen din
web-comment-optional = Kommentar (valgfri)
web-approve = Godkjenn
web-decline = Avslå
web-your-answer = Svaret ditt
web-answer-now = Svaret ditt nå:
web-for = For
web-every-occurrence = alle forekomster
web-only = bare
web-accept = Ja
web-tentative = Kanskje
web-propose-title = Foreslå et annet tidspunkt eller sted
web-place = Sted
web-comment = Kommentar
web-send-proposal = Send forslag
web-delegate-title = Send noen andre i ditt sted
web-their-address = E-postadressen deres
web-delegate = Gi videre
web-proposes = foreslår
web-accept-proposal = Godta forslaget
web-decline-proposal = Avslå det
web-change-title = Endre avtalen
web-title = Tittel
web-invite = Inviter (adresser, skilt med komma)
web-uninvite = Fjern (adresser, skilt med komma)
web-send-update = Send endringen
web-cancel-title = Avlys avtalen
web-cancel-note = Alle inviterte får beskjed.
web-cancel-occurrence-title = Avlys én forekomst
web-cancel-occurrence-note = Bare denne forekomsten avlyses: deltakerne får beskjed, og resten av serien står.
web-which-occurrence = Hvilken forekomst
web-start = Start
web-end = Slutt
web-zone = Tidssone

web-find-time = Finn et tidspunkt
web-people = Personer (adresser, skilt med komma)
web-room = Rom eller utstyr
web-length = Varighet i minutter
web-show-busy = Vis opptatte tider
web-busy-on = Opptatt den
web-free-for-all = Ledig for alle
web-no-free-slot = Ingen ledig tid mellom 08:00 og 18:00.
web-the-event = Avtalen
web-repeats = Gjentas
web-once = én gang
web-daily-5 = hver dag, 5 ganger
web-weekly-4 = hver uke, 4 ganger
web-weekly-10 = hver uke, 10 ganger
web-monthly-6 = hver måned, 6 ganger
web-description = Beskrivelse
web-create = Opprett og inviter
web-none = ingen
web-your-name = Navnet ditt
web-language = Språk
web-incoming = Kalenderpost i innboksen din
web-incoming-wrap = et sammendrag med originalen vedlagt
web-incoming-summary-then = et sammendrag, deretter originalen
web-incoming-message-then = originalen, deretter et sammendrag
web-incoming-summary-only = bare et sammendrag
web-incoming-message-only = bare originalen
web-agent = Kalenderagenten
web-agent-on = fører kalenderen min
web-agent-off = lar posten min være
web-sharing = Ledig/opptatt-forespørsler
web-sharing-on = besvares
web-sharing-off = besvares ikke
web-publishing = Ledig/opptatt på nettet
web-publishing-on = publiseres
web-publishing-off = publiseres ikke
web-availability = Tilgjengelighet som iCalendar-tekst (VAVAILABILITY, RFC 7953)
web-availability-hint = Tilgjengeligheten din sier mer enn arbeidstid og vises derfor slik den er skrevet. Tøm feltet og lagre for å angi arbeidstid i stedet.
web-hours = Arbeidstid
web-hours-hint = Utenfor disse tidene viser ledig/opptatt-tiden din deg som utilgjengelig. Kryss ikke av for noen dag for å alltid være tilgjengelig. Tidene gjelder i { $zone }.
web-hours-from = fra
web-hours-until = til
web-hours-and = og
web-save = Lagre
web-feed-title = Kalenderfeed
web-feed-subscribe = Abonner på denne private adressen i kalenderappen din (bare lesing):
web-feed-new = Lag en ny adresse (den gamle slutter å virke)
web-feed-off = Slå av feeden
web-feed-none = Ingen feed ennå.
web-feed-make = Lag en privat feedadresse
web-sign-in-title = Logg inn i kalenderen din
web-mail-address = E-postadresse
web-password = Passord
web-sign-in = Logg inn
web-login-wrong = Adressen og passordet passer ikke sammen.
# Hva en side sier etter en handling (web/done.rs i imip-cli).
web-done-sent = Utført. E-posten er sendt.
web-done-waiting = Utført. E-posten venter i utboksen og blir snart sendt på nytt.
web-done-recorded = Utført. Ingen trengte beskjed, så ingen e-post ble sendt.
web-done-dry-run = Utført som prøvekjøring: ingen e-post ble sendt.
web-done-preferences = Innstillingene dine er lagret.
web-done-feed-new = En ny feed-adresse er klar. Den gamle virker ikke lenger.
web-done-feed-off = Feeden er slått av. Adressen virker ikke lenger.
web-thank-you = Takk
web-to-calendar = Til kalenderen din
# Hvorfor en persons egen handling ble avvist (words/refusal.rs).
web-refused-title = Ingenting ble gjort
refused-not-invited = { $who } er ikke invitert til denne hendelsen, så det er ingenting å svare på.
refused-not-invited-to-occurrence = { $who } er ikke invitert til denne forekomsten.
refused-not-organizer = Bare arrangøren kan gjøre det, og { $who } arrangerer ikke denne hendelsen.
refused-not-a-resource = { $who } er verken et rom eller utstyr, så det er ingenting å godkjenne.
refused-nothing-to-approve = Ingen booking av { $who } venter på godkjenning: den kan allerede være besvart.
refused-no-organizer = Hendelsen oppgir ingen arrangør, så det er ingen å svare.
refused-end-before-start = Slutten må komme etter starten.
refused-attendee-cannot-change = Bare arrangøren kan endre { $what }. Foreslå heller et annet tidspunkt eller sted.
refused-no-such-occurrence = Hendelsen finner ikke sted { $date } kl. { $time }.
refused-other = Kalenderen avviste det: { $reason }.
# Feilsidene i webgrensesnittet (web/error.rs i imip-cli).
web-error-title-bad = Det gikk ikke
web-error-title-forbidden = Ingen tilgang
web-error-title-not-found = Ikke funnet
web-error-title-csrf = Prøv igjen
web-error-title-too-many = For mange forsøk
web-error-title-unavailable = Prøv igjen om et øyeblikk
web-error-title-link = Denne lenken kan ikke brukes
web-error-forbidden = Du kan bare se og handle for deg selv og ressursene du eier.
web-error-csrf = Dette skjemaet er utdatert eller kommer ikke fra dette nettstedet. Gå tilbake, last inn siden på nytt og send det igjen.
web-error-too-many = For mange mislykkede innlogginger. Vent noen minutter og prøv igjen.
web-error-unavailable = Kalenderlageret kan ikke nås akkurat nå. Ingenting ble endret.
web-error-field-too-long = Et felt er for langt.
web-error-not-an-answer = «{ $text }» er ikke et svar.
web-error-not-an-occurrence = «{ $text }» er ikke en forekomst.
web-error-start-with-end = Oppgi en start sammen med slutten.
web-error-not-a-time = «{ $text }» er ikke et tidspunkt; oppgi et som 2027-01-12 10:00.
web-error-not-a-zone = «{ $text }» er ikke en tidssone (for eksempel Europe/Oslo).
web-error-hours = Arbeidstiden for { $day } må slutte etter at den begynner.
web-error-hours-time = Arbeidstiden for { $day }: «{ $text }» er ikke et klokkeslett (for eksempel 09:00).
web-error-hours-overlap = De to tidsrommene i arbeidstiden for { $day } kan ikke overlappe hverandre.
web-error-name = Et navn har høyst 200 tegn, på én linje.
web-error-language = «{ $text }» er ikke en språkkode (for eksempel nb eller en).
web-error-choice = «{ $text }» er ikke et av valgene.
web-error-availability = Denne tilgjengeligheten kan ikke leses: den må være iCalendar-tekst med en VAVAILABILITY-komponent (RFC 7953).
web-error-not-an-address = «{ $text }» er ikke en e-postadresse.
web-error-event-gone = Denne hendelsen er ikke lenger i kalenderen.
web-error-propose-something = Foreslå et tidspunkt eller et sted.
web-error-someone-else = Oppgi en annen person.
web-error-not-a-decision = «{ $text }» er ikke en avgjørelse.
web-error-give-start = Oppgi en start.
web-error-change-something = Endre noe først.
web-error-feed-choice = Velg om det skal lages en feed-adresse, eller om feeden skal slås av.
web-error-link-expired = Denne svarlenken er utløpt. Svar fra kalenderen din i stedet.
web-error-link-altered = Denne svarlenken er ugyldig: den kan være avkortet eller endret.
web-error-link-invalid = Denne svarlenken er ugyldig.
web-error-link-used = Denne svarlenken er allerede brukt.
web-error-link-changed = Invitasjonen er endret siden denne e-posten ble sendt. Svar på den nyeste versjonen fra kalenderen din.
web-error-link-answered = Du har allerede { $answer ->
    [ACCEPTED] takket ja
    [DECLINED] takket nei
    [TENTATIVE] svart kanskje
   *[other] svart { $answer }
  }.
web-error-proxy-sign-in = Innloggingen tas hånd om av webserveren foran imip.
web-error-no-page = Den siden finnes ikke.
web-error-not-a-view = «{ $text }» er ikke en visning: dag, uke, måned eller agenda (day, week, month, agenda).
web-error-not-a-date = «{ $text }» er ikke en dato; oppgi en som 2027-01-11.
web-error-name-event = Oppgi en hendelse.
web-error-no-such-event = Den hendelsen finnes ikke i denne kalenderen.
web-error-ambiguous = Det korte navnet passer på mer enn én hendelse.
web-error-length = «{ $text }»: oppgi en varighet i minutter, 15 til 600.
web-error-freebusy-unpublished = Denne ledig/opptatt-tiden er ikke publisert.
web-error-no-feed = Den feeden finnes ikke.
web-error-feed-off = Denne feed-adressen er slått av.
# Hvorfor en hendelse en person har laget utkast til eller endret, ikke kan lages (words/refusal.rs).
draft-no-title = Hendelsen trenger en tittel.
draft-end-not-after-start = Slutten ({ $end }) er ikke etter starten ({ $start }).
draft-skipped-time = { $time } finnes ikke i { $zone }: klokken stilles frem da. Velg et annet tidspunkt.
draft-invalid-value = { $property } er ugyldig: «{ $value }».
draft-series-has-exceptions = Noen forekomster i denne serien er endret hver for seg. Avlys serien og opprett den på nytt for å flytte den.
draft-not-an-event = Bare hendelser kan endres her.
draft-not-recurring = Denne hendelsen gjentas ikke: avlys selve hendelsen.
draft-floating-series = En enkelt forekomst av en heldags- eller tidssoneløs serie kan ikke avlyses her. Endre eller avlys serien.
draft-no-such-occurrence = Serien har ingen forekomst { $date } kl. { $time } som kan avlyses.
