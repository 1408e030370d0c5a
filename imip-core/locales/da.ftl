# imips ord til mennesker, på dansk.

headline-invitation = { $who } inviterer dig til “{ $title }”.
headline-update = { $who } har ændret “{ $title }”.
headline-added = { $who } har tilføjet flere gange til “{ $title }”.
headline-cancellation = { $who } har aflyst “{ $title }”.
headline-organizer-changed = “{ $title }” har fået en ny arrangør: { $who }.
headline-published = { $who } har offentliggjort “{ $title }”.
headline-reply = { $who } har { $answer ->
    [accepted] accepteret
    [declined] afslået
    [tentative] foreløbigt accepteret
    [delegated] videregivet
    *[other] svaret på
  } “{ $title }”.
headline-counter = { $who } foreslår en ændring af “{ $title }”.
headline-counter-declined = { $who } har afslået dit forslag til “{ $title }”.
headline-refresh = { $who } bad om den seneste udgave af “{ $title }”; den er sendt.
headline-booking = { $who } vil gerne booke “{ $title }”.
headline-approval-needed = “{ $title }” venter på din godkendelse.
headline-delivery-failed = “{ $title }” kunne ikke leveres til { $who }.
headline-delivery-delayed = “{ $title }” er endnu ikke nået frem til { $who }.

label-when = Hvornår
label-repeats = Gentages
label-where = Hvor
label-organizer = Arrangør
label-attendees = Deltagere
label-description = Beskrivelse

all-day = hele dagen
as-sent = { $time } i { $zone }, som sendt

answer-accepted = accepteret
answer-declined = afslået
answer-tentative = foreløbig
answer-delegated = videregivet
answer-needs-action = intet svar endnu
answer-other = { $answer }

repeats = { $frequency ->
    [daily] { $interval ->
        [1] hver dag
        *[other] hver { $interval }. dag
      }
    [weekly] { $interval ->
        [1] hver uge
        *[other] hver { $interval }. uge
      }
    [monthly] { $interval ->
        [1] hver måned
        *[other] hver { $interval }. måned
      }
    [yearly] { $interval ->
        [1] hvert år
        *[other] hvert { $interval }. år
      }
    *[other] efter sin egen regel
  }
repeats-on = om { $days }
repeats-until = indtil { $date }
repeats-count = { $count } gange

original-attached = Den oprindelige besked er vedhæftet.

summary-refused = imip har ikke anvendt denne kalenderbesked: { $reason }.
    Vær forsigtig: den kommer måske ikke fra den, den giver sig ud for.
summary-unchanged = Din kalender er uændret: { $reason }.
summary-ignored = imip har ladet denne kalenderbesked være: { $reason }.
summary-updated = Din kalender er opdateret.

headline-refresh-request = { $who } beder om den seneste udgave af “{ $title }”.
calendar-attached = Kalenderdata er vedhæftet til kalenderprogrammer.
subject = { $method ->
    [PUBLISH] Offentliggjort
    [REQUEST] Invitation
    [REPLY] Svar
    [ADD] Flere gange
    [CANCEL] Aflyst
    [REFRESH] Anmodning om opdatering
    [COUNTER] Modforslag
    [DECLINECOUNTER] Modforslag afslået
    *[other] Kalender
  }: { $title }

label-changed = Ændret
change-time = tidspunktet; før { $before }
change-place = stedet; før { $before }
change-place-none = stedet; før intet
change-added = nu også inviteret: { $who }
change-removed = ikke længere inviteret: { $who }
label-cancelled = Aflyst
cancelled-occurrences = { $count ->
    [one] denne gang: { $dates }
    *[other] { $count } gange: { $dates }
  }
cancelled-series = hele serien

label-booking = Booking
owner-answer = { $resource } { $answer ->
    [accepted] har accepteret den
    [partly-accepted] har accepteret den, med enkelte gange afslået
    [declined] har afslået den
    [countered] har foreslået et andet tidspunkt
    [delegated] har givet den videre til en anden ressource
    [held] holder den tilbage til din godkendelse
    [released] har frigivet tiden
    *[other] har svaret
  }.
owner-held-by = Holdt tilbage af reglen “{ $policy }”.
owner-can = { $actions ->
    [both] Du kan godkende eller afslå denne booking.
    [approve] Du kan godkende denne booking.
    [decline] Du kan afslå denne booking.
    *[other] Du behøver ikke at gøre noget.
  }

agenda-title = { $who }: { $first } – { $last } ({ $zone })
agenda-nothing = intet planlagt
agenda-you-organize = du er arrangør
agenda-waits = ? venter på svar

reason-not-allowed = { $resource } kan ikke bookes af { $organizer }.
reason-only-from-domain = { $resource } kan kun bookes fra { $domain }.
reason-needs-approval = bookinger fra { $organizer } skal godkendes af { $owner }.
reason-no-free-slot = { $resource } er optaget { $at } og har ingen ledig tid af den længde i de følgende { $days } dag(e).
reason-delegated = { $resource } { $kind ->
    [busy] er optaget
    *[collection] er en samling
  }; { $to } bliver bedt om at tage bookingen.
reason-no-member-free = Beklager: intet medlem af { $resource } er ledigt på det tidspunkt.
reason-beyond-window = { $resource } tager imod bookinger op til { $days } dag(e) frem, indtil { $latest }.
reason-not-booked-after = Forekomster efter { $latest } er ikke booket.
reason-too-short = { $resource } bookes i mindst { $length }.
reason-too-long = { $resource } bookes i højst { $length }.
reason-no-working-hours = { $resource } kan ikke læse sin arbejdstid.
reason-no-recurring = { $resource } tager ikke imod gentagne bookinger.
reason-unavailable = { $resource } er ikke ledig { $at }: { $why }.
reason-instance-declined = Forekomsten { $at } er afslået: { $why }.
reason-no-quota = Du har ingen kvote for { $resource }.
reason-open-ended-under-quota = En serie uden slutning kan ikke bookes under en kvote for { $resource }.
reason-quota-exceeded = Bookingen overskrider din kvote for { $resource }: { $limit } { $per ->
    [day] pr. dag
    [week] pr. uge
    [month] pr. måned
    *[upcoming] i kommende bookinger
  }, { $used } allerede brugt.
reason-already-holds-member = { $organizer } har allerede { $member } { $at }; kun én ressource fra denne gruppe ad gangen.
reason-only-at = { $resource } kan kun bookes { $times }; { $at } kan ikke.
reason-nothing-to-book = { $resource } kan ikke tage nogen forekomst af denne booking.
reason-suggests = { $resource } foreslår et andet tidspunkt: { $start } til { $end }.
reason-reserved = { $resource } har reserveret det ønskede tidspunkt, afventer godkendelse: { $why }
reason-scheduled = { $resource } har booket det ønskede tidspunkt.
reason-no-instance = { $resource } har ingen forekomst at booke i de dage, den planlægger.
trouble-already-booked = allerede booket
trouble-outside-working-hours = uden for arbejdstiden
permitted-any-minute = ethvert minut
permitted-past-the-hour = { $minutes } over hver time
permitted-of-hours = { $minutes } i timerne { $hours }

answer-links = Svar med ét klik:
link-accept = Accepter
link-tentative = Foreløbig
link-decline = Afslå

owner-open = Åbn den i webhåndteringen:

web-calendar = Kalender
web-waiting = Venter
web-new-event = Ny aftale
web-preferences = Indstillinger
web-sign-out = Log ud
web-acting-for = handler for
web-earlier = ← Tidligere
web-later = Senere →
web-day = Dag
web-week = Uge
web-month = Måned
web-next-30 = De næste 30 dage
web-nothing-in-days = Intet planlagt i disse dage.
web-waits = venter på dit svar
web-waiting-title = Venter på dig
web-nothing-waits = Intet venter på svar.
web-short-name = Kort navn:
web-clashes = Samtidig i din kalender:
web-busy-untitled = (optaget)
web-approval-title = Denne booking venter på din godkendelse
web-comment-optional = Kommentar (valgfri)
web-approve = Godkend
web-decline = Afslå
web-your-answer = Dit svar
web-answer-now = Dit svar nu:
web-for = For
web-every-occurrence = alle forekomster
web-only = kun
web-accept = Accepter
web-tentative = Foreløbig
web-propose-title = Foreslå et andet tidspunkt eller sted
web-place = Sted
web-comment = Kommentar
web-send-proposal = Send forslag
web-delegate-title = Send en anden i dit sted
web-their-address = Deres mailadresse
web-delegate = Videregiv
web-proposes = foreslår
web-accept-proposal = Accepter forslaget
web-decline-proposal = Afslå det
web-change-title = Ændr aftalen
web-title = Titel
web-invite = Inviter (adresser, adskilt af kommaer)
web-uninvite = Fjern (adresser, adskilt af kommaer)
web-send-update = Send ændringen
web-cancel-title = Aflys aftalen
web-cancel-note = Alle inviterede får besked.
web-cancel-occurrence-title = Aflys én forekomst
web-cancel-occurrence-note = Kun denne forekomst aflyses: dens deltagere får besked, og resten af serien består.
web-which-occurrence = Hvilken forekomst
web-start = Start
web-end = Slut
web-zone = Tidszone

web-find-time = Find et tidspunkt
web-people = Personer (adresser, adskilt af kommaer)
web-room = Lokale eller udstyr
web-length = Varighed i minutter
web-show-busy = Vis optagede tider
web-busy-on = Optaget den
web-free-for-all = Ledigt for alle
web-no-free-slot = Ingen ledig tid mellem 08:00 og 18:00.
web-the-event = Aftalen
web-repeats = Gentages
web-once = én gang
web-daily-5 = hver dag, 5 gange
web-weekly-4 = hver uge, 4 gange
web-weekly-10 = hver uge, 10 gange
web-monthly-6 = hver måned, 6 gange
web-description = Beskrivelse
web-create = Opret og inviter
web-none = ingen
web-your-name = Dit navn
web-language = Sprog
web-incoming = Kalenderpost i din postkasse
web-incoming-wrap = et resumé med originalen vedhæftet
web-incoming-summary-then = et resumé, derefter originalen
web-incoming-message-then = originalen, derefter et resumé
web-incoming-summary-only = kun et resumé
web-incoming-message-only = kun originalen
web-agent = Kalenderagenten
web-agent-on = fører min kalender
web-agent-off = lader min post være
web-sharing = Ledig/optaget-forespørgsler
web-sharing-on = besvares
web-sharing-off = besvares ikke
web-publishing = Ledig/optaget på nettet
web-publishing-on = offentliggøres
web-publishing-off = offentliggøres ikke
web-availability = Tilgængelighed som iCalendar-tekst (VAVAILABILITY, RFC 7953)
web-availability-hint = Din tilgængelighed siger mere end arbejdstider og vises derfor, som den er skrevet. Tøm feltet og gem for at angive arbejdstider i stedet.
web-hours = Arbejdstid
web-hours-hint = Uden for disse tider viser din ledig/optaget-tid dig som utilgængelig. Sæt ikke flueben ved nogen dag for altid at være tilgængelig. Tiderne gælder i { $zone }.
web-hours-from = fra
web-hours-until = til
web-hours-and = og
web-save = Gem
web-feed-title = Kalenderfeed
web-feed-subscribe = Abonnér på denne private adresse i din kalenderapp (kun læsning):
web-feed-new = Lav en ny adresse (den gamle holder op med at virke)
web-feed-off = Slå feedet fra
web-feed-none = Intet feed endnu.
web-feed-make = Lav en privat feedadresse
web-sign-in-title = Log ind i din kalender
web-mail-address = Mailadresse
web-password = Adgangskode
web-sign-in = Log ind
web-login-wrong = Adressen og adgangskoden passer ikke sammen.
# Hvad en side siger efter en handling (web/done.rs i imip-cli).
web-done-sent = Udført. Mailen er sendt.
web-done-waiting = Udført. Mailen venter i udbakken og bliver snart sendt igen.
web-done-recorded = Udført. Ingen skulle have besked, så der blev ikke sendt nogen mail.
web-done-dry-run = Udført som prøvekørsel: der blev ikke sendt nogen mail.
web-done-preferences = Dine indstillinger er gemt.
web-done-feed-new = En ny feed-adresse er klar. Den gamle virker ikke længere.
web-done-feed-off = Feedet er slået fra. Dets adresse virker ikke længere.
web-thank-you = Tak
web-to-calendar = Til din kalender
# Hvorfor en persons egen handling blev afvist (words/refusal.rs).
web-refused-title = Intet blev gjort
refused-not-invited = { $who } er ikke inviteret til denne begivenhed, så der er intet at svare på.
refused-not-invited-to-occurrence = { $who } er ikke inviteret til denne forekomst.
refused-not-organizer = Kun arrangøren kan gøre det, og { $who } er ikke arrangør af denne begivenhed.
refused-not-a-resource = { $who } er hverken et lokale eller udstyr, så der er intet at godkende.
refused-nothing-to-approve = Ingen booking af { $who } venter på godkendelse: den er måske allerede besvaret.
refused-no-organizer = Begivenheden nævner ingen arrangør, så der er ingen at svare.
refused-end-before-start = Slutningen skal ligge efter starten.
refused-attendee-cannot-change = Kun arrangøren kan ændre { $what }. Foreslå i stedet et andet tidspunkt eller sted.
refused-no-such-occurrence = Begivenheden finder ikke sted { $date } kl. { $time }.
refused-other = Kalenderen afviste det: { $reason }.
# Webgrænsefladens fejlsider (web/error.rs i imip-cli).
web-error-title-bad = Det lykkedes ikke
web-error-title-forbidden = Ingen adgang
web-error-title-not-found = Ikke fundet
web-error-title-csrf = Prøv igen
web-error-title-too-many = For mange forsøg
web-error-title-unavailable = Prøv igen om et øjeblik
web-error-title-link = Dette link kan ikke bruges
web-error-forbidden = Du kan kun se og handle for dig selv og de ressourcer, du ejer.
web-error-csrf = Denne formular er forældet eller kommer ikke fra dette websted. Gå tilbage, genindlæs siden, og send den igen.
web-error-too-many = For mange mislykkede logins. Vent et par minutter, og prøv igen.
web-error-unavailable = Kalenderlageret kan ikke nås lige nu. Intet blev ændret.
web-error-field-too-long = Et felt er for langt.
web-error-not-an-answer = »{ $text }« er ikke et svar.
web-error-not-an-occurrence = »{ $text }« er ikke en forekomst.
web-error-start-with-end = Angiv en start sammen med slutningen.
web-error-not-a-time = »{ $text }« er ikke et tidspunkt; angiv et som 2027-01-12 10:00.
web-error-not-a-zone = »{ $text }« er ikke en tidszone (f.eks. Europe/Copenhagen).
web-error-hours = Arbejdstiden for { $day } skal slutte, efter den begynder.
web-error-hours-time = Arbejdstiden for { $day }: »{ $text }« er ikke et klokkeslæt (f.eks. 09:00).
web-error-hours-overlap = Arbejdstidens to tidsrum for { $day } må ikke overlappe hinanden.
web-error-name = Et navn har højst 200 tegn på én linje.
web-error-language = »{ $text }« er ikke en sprogkode (f.eks. da eller en).
web-error-choice = »{ $text }« er ikke et af valgene.
web-error-availability = Denne tilgængelighed kan ikke læses: den skal være iCalendar-tekst med en VAVAILABILITY-komponent (RFC 7953).
web-error-not-an-address = »{ $text }« er ikke en mailadresse.
web-error-event-gone = Denne begivenhed er ikke længere i kalenderen.
web-error-propose-something = Foreslå et tidspunkt eller et sted.
web-error-someone-else = Angiv en anden person.
web-error-not-a-decision = »{ $text }« er ikke en beslutning.
web-error-give-start = Angiv en start.
web-error-change-something = Ændr noget først.
web-error-feed-choice = Vælg, om der skal laves en feed-adresse, eller om feedet skal slås fra.
web-error-link-expired = Dette svarlink er udløbet. Svar fra din kalender i stedet.
web-error-link-altered = Dette svarlink er ugyldigt: det er måske blevet afkortet eller ændret.
web-error-link-invalid = Dette svarlink er ugyldigt.
web-error-link-used = Dette svarlink er allerede brugt.
web-error-link-changed = Invitationen er ændret, siden denne mail blev sendt. Svar på den nyeste udgave fra din kalender.
web-error-link-answered = Du har allerede { $answer ->
    [ACCEPTED] takket ja
    [DECLINED] takket nej
    [TENTATIVE] svaret måske
   *[other] svaret { $answer }
  }.
web-error-proxy-sign-in = Login klares af webserveren foran imip.
web-error-no-page = Den side findes ikke.
web-error-not-a-view = »{ $text }« er ikke en visning: dag, uge, måned eller agenda (day, week, month, agenda).
web-error-not-a-date = »{ $text }« er ikke en dato; angiv en som 2027-01-11.
web-error-name-event = Angiv en begivenhed.
web-error-no-such-event = Den begivenhed findes ikke i denne kalender.
web-error-ambiguous = Det korte navn passer på mere end én begivenhed.
web-error-length = »{ $text }«: angiv en varighed i minutter, 15 til 600.
web-error-freebusy-unpublished = Denne ledig/optaget-tid er ikke offentliggjort.
web-error-no-feed = Det feed findes ikke.
web-error-feed-off = Denne feed-adresse er slået fra.
# Hvorfor en begivenhed, en person har udkastet eller ændret, ikke kan laves (words/refusal.rs).
draft-no-title = Begivenheden skal have en titel.
draft-end-not-after-start = Slutningen ({ $end }) ligger ikke efter starten ({ $start }).
draft-skipped-time = { $time } findes ikke i { $zone }: urene stilles frem på det tidspunkt. Vælg et andet tidspunkt.
draft-invalid-value = { $property } er ugyldig: »{ $value }«.
draft-series-has-exceptions = Nogle forekomster i denne serie er ændret hver for sig. Aflys serien, og opret den igen for at flytte den.
draft-not-an-event = Kun begivenheder kan ændres her.
draft-not-recurring = Denne begivenhed gentages ikke: aflys selve begivenheden.
draft-floating-series = En enkelt forekomst af en heldags- eller tidszoneløs serie kan ikke aflyses her. Ret eller aflys serien.
draft-no-such-occurrence = Serien har ingen forekomst { $date } kl. { $time }, der kan aflyses.
