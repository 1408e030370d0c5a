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
