# imip's words for people, in English (the fallback for every language).
# Each message of this file must exist in every other file; a test checks.

headline-invitation = { $who } invites you to “{ $title }”.
headline-update = { $who } has changed “{ $title }”.
headline-added = { $who } has added occurrences to “{ $title }”.
headline-cancellation = { $who } has cancelled “{ $title }”.
headline-organizer-changed = “{ $title }” has a new organizer: { $who }.
headline-published = { $who } has published “{ $title }”.
headline-reply = { $who } has { $answer ->
    [accepted] accepted
    [declined] declined
    [tentative] tentatively accepted
    [delegated] delegated
    *[other] answered
  } “{ $title }”.
headline-counter = { $who } proposes a change to “{ $title }”.
headline-counter-declined = { $who } has declined your proposal for “{ $title }”.
headline-refresh = { $who } asked for the latest version of “{ $title }”; it was sent.
headline-booking = { $who } asks to book “{ $title }”.
headline-approval-needed = “{ $title }” waits for your approval.
headline-delivery-failed = “{ $title }” could not be delivered to { $who }.
headline-delivery-delayed = “{ $title }” has not reached { $who } yet.

label-when = When
label-repeats = Repeats
label-where = Where
label-organizer = Organizer
label-attendees = Attendees
label-description = Description

all-day = all day
as-sent = { $time } in { $zone }, as sent

answer-accepted = accepted
answer-declined = declined
answer-tentative = tentative
answer-delegated = delegated
answer-needs-action = no answer yet
answer-other = { $answer }

repeats = { $frequency ->
    [daily] every { $interval ->
        [1] day
        *[other] { $interval } days
      }
    [weekly] every { $interval ->
        [1] week
        *[other] { $interval } weeks
      }
    [monthly] every { $interval ->
        [1] month
        *[other] { $interval } months
      }
    [yearly] every { $interval ->
        [1] year
        *[other] { $interval } years
      }
    *[other] by its own rule
  }
repeats-on = on { $days }
repeats-until = until { $date }
repeats-count = { $count } times

original-attached = The original message is attached.

summary-refused = imip did not apply this calendar message: { $reason }.
    Treat it with care: it may not come from whom it claims.
summary-unchanged = Your calendar is unchanged: { $reason }.
summary-ignored = imip left this calendar message alone: { $reason }.
summary-updated = Your calendar was updated.

headline-refresh-request = { $who } asks for the latest version of “{ $title }”.
calendar-attached = The calendar data is attached for calendar programs.
subject = { $method ->
    [PUBLISH] Published
    [REQUEST] Invitation
    [REPLY] Reply
    [ADD] New occurrences
    [CANCEL] Cancelled
    [REFRESH] Refresh request
    [COUNTER] Counter-proposal
    [DECLINECOUNTER] Counter-proposal declined
    *[other] Calendar
  }: { $title }

label-changed = Changed
change-time = the time; it was { $before }
change-place = the place; it was { $before }
change-place-none = the place; there was none
change-added = now also invited: { $who }
change-removed = no longer invited: { $who }
label-cancelled = Cancelled
cancelled-occurrences = { $count ->
    [one] this occurrence: { $dates }
    *[other] { $count } occurrences: { $dates }
  }
cancelled-series = the whole series

label-booking = Booking
owner-answer = { $resource } { $answer ->
    [accepted] has accepted it
    [partly-accepted] has accepted it, with some occurrences declined
    [declined] has declined it
    [countered] has proposed another time
    [delegated] has passed it to another resource
    [held] holds it for your approval
    [released] has released the time
    *[other] has answered
  }.
owner-held-by = Held by its “{ $policy }” policy.
owner-can = { $actions ->
    [both] You can approve or decline this booking.
    [approve] You can approve this booking.
    [decline] You can decline this booking.
    *[other] There is nothing for you to do.
  }

agenda-title = { $who }: { $first } – { $last } ({ $zone })
agenda-nothing = nothing planned
agenda-you-organize = you organize
agenda-waits = ? waits for an answer
