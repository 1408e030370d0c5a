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

# What a resource writes in the COMMENT of its answer.
reason-not-allowed = { $resource } may not be booked by { $organizer }.
reason-only-from-domain = { $resource } can only be booked from { $domain }.
reason-needs-approval = bookings by { $organizer } need approval by { $owner }.
reason-no-free-slot = { $resource } is unavailable at { $at } and has no free slot of that length in the following { $days } day(s).
reason-delegated = { $resource } { $kind ->
    [busy] is busy
    *[collection] is a collection
  }; { $to } is asked to take the booking.
reason-no-member-free = Sorry: no member of { $resource } is free at that time.
reason-beyond-window = { $resource } takes bookings up to { $days } day(s) ahead, until { $latest }.
reason-not-booked-after = Instances after { $latest } are not booked.
reason-too-short = { $resource } is booked for at least { $length }.
reason-too-long = { $resource } is booked for at most { $length }.
reason-no-working-hours = { $resource } cannot read its working hours.
reason-no-recurring = { $resource } does not take recurring bookings.
reason-unavailable = { $resource } is unavailable at { $at }: { $why }.
reason-instance-declined = The instance at { $at } is declined: { $why }.
reason-no-quota = You have no quota allocation for { $resource }.
reason-open-ended-under-quota = A series without an end cannot be booked under a quota on { $resource }.
reason-quota-exceeded = The booking exceeds your quota for { $resource }: { $limit } { $per ->
    [day] per day
    [week] per week
    [month] per month
    *[upcoming] in upcoming bookings
  }, { $used } already used.
reason-already-holds-member = { $organizer } already holds { $member } at { $at }; only one resource of this group at a time.
reason-only-at = { $resource } can be booked only { $times }; { $at } is not.
reason-nothing-to-book = { $resource } cannot take any instance of this booking.
reason-suggests = { $resource } suggests another time: { $start } to { $end }.
reason-reserved = { $resource } has reserved the requested time, pending approval: { $why }
reason-scheduled = { $resource } has scheduled the requested time.
reason-no-instance = { $resource } has no instance to book in the next days it schedules.
trouble-already-booked = already booked
trouble-outside-working-hours = outside working hours
permitted-any-minute = any minute
permitted-past-the-hour = at { $minutes } past the hour
permitted-of-hours = at { $minutes } of hours { $hours }

answer-links = Answer in one click:
link-accept = Accept
link-tentative = Tentative
link-decline = Decline

owner-open = Open it in the web manager:

# The web manager.
web-calendar = Calendar
web-waiting = Waiting
web-new-event = New event
web-preferences = Preferences
web-sign-out = Sign out
web-acting-for = acting for
web-earlier = ← Earlier
web-later = Later →
web-day = Day
web-week = Week
web-month = Month
web-next-30 = Next 30 days
web-nothing-in-days = Nothing planned in these days.
web-waits = waits for your answer
web-waiting-title = Waiting for you
web-nothing-waits = Nothing waits for an answer.
web-short-name = Short name:
web-clashes = At the same time in your calendar:
web-busy-untitled = (busy)
web-approval-title = This booking waits for your approval
web-comment-optional = Comment (optional)
web-approve = Approve
web-decline = Decline
web-your-answer = Your answer
web-answer-now = Your answer now:
web-for = For
web-every-occurrence = every occurrence
web-only = only
web-accept = Accept
web-tentative = Tentative
web-propose-title = Propose another time or place
web-place = Place
web-comment = Comment
web-send-proposal = Send proposal
web-delegate-title = Send someone in your place
web-their-address = Their mail address
web-delegate = Delegate
web-proposes = proposes
web-accept-proposal = Accept the proposal
web-decline-proposal = Decline it
web-change-title = Change the event
web-title = Title
web-invite = Invite (addresses, comma-separated)
web-uninvite = Take off (addresses, comma-separated)
web-send-update = Send the update
web-cancel-title = Cancel the event
web-cancel-note = Everyone invited is told.
web-cancel-occurrence-title = Cancel one occurrence
web-cancel-occurrence-note = Only that occurrence is cancelled: its attendees are told, and the rest of the series stands.
web-which-occurrence = Which occurrence
web-start = Start
web-end = End
web-zone = Time zone

web-find-time = Find a time
web-people = People (addresses, comma-separated)
web-room = Room or equipment
web-length = Length in minutes
web-show-busy = Show busy times
web-busy-on = Busy on
web-free-for-all = Free for everyone
web-no-free-slot = No free slot between 08:00 and 18:00.
web-the-event = The event
web-repeats = Repeats
web-once = once
web-daily-5 = every day, 5 times
web-weekly-4 = every week, 4 times
web-weekly-10 = every week, 10 times
web-monthly-6 = every month, 6 times
web-description = Description
web-create = Create and invite
web-none = none
web-your-name = Your name
web-language = Language
web-incoming = Calendar mail in your mailbox
web-incoming-wrap = a summary, with the original attached
web-incoming-summary-then = a summary, then the original
web-incoming-message-then = the original, then a summary
web-incoming-summary-only = only a summary
web-incoming-message-only = only the original
web-agent = The calendar agent
web-agent-on = keeps my calendar
web-agent-off = leaves my mail alone
web-sharing = Free/busy requests
web-sharing-on = are answered
web-sharing-off = are not answered
web-publishing = Free/busy on the web
web-publishing-on = is published
web-publishing-off = is not published
web-availability = Availability as iCalendar text (VAVAILABILITY, RFC 7953)
web-availability-hint = Your availability says more than working hours, so it is shown as it is written. Empty it and save to set working hours instead.
web-hours = Working hours
web-hours-hint = Outside these hours your free/busy time shows you as unavailable. Tick no day to be available at any time. Times are in { $zone }.
web-hours-from = from
web-hours-until = until
web-hours-and = and
web-save = Save
web-feed-title = Calendar feed
web-feed-subscribe = Subscribe to this private address in your calendar app (read only):
web-feed-new = Make a new address (the old one stops working)
web-feed-off = Turn the feed off
web-feed-none = No feed yet.
web-feed-make = Make a private feed address
web-sign-in-title = Sign in to your calendar
web-mail-address = Mail address
web-password = Password
web-sign-in = Sign in
web-login-wrong = That address and password do not match.
# What a page says after an action (imip-cli's web/done.rs).
web-done-sent = Done. The mail it needed has been sent.
web-done-waiting = Done. Its mail waits in the outbox and will be sent again shortly.
web-done-recorded = Done. Nobody needed to be told, so no mail was sent.
web-done-dry-run = Done, as a dry run: no mail was sent.
web-done-preferences = Your preferences are saved.
web-done-feed-new = A new feed address is ready. The old one no longer works.
web-done-feed-off = The feed is off. Its address no longer works.
web-thank-you = Thank you
web-to-calendar = To your calendar
# Why a person's own action was refused (words/refusal.rs).
web-refused-title = Nothing was done
refused-not-invited = { $who } is not invited to this event, so there is nothing to answer.
refused-not-invited-to-occurrence = { $who } is not invited to this occurrence.
refused-not-organizer = Only the organizer can do that, and { $who } does not organize this event.
refused-not-a-resource = { $who } is not a room or equipment, so there is nothing to approve.
refused-nothing-to-approve = No booking of { $who } waits for approval: it may have been answered already.
refused-no-organizer = The event names no organizer, so there is nobody to answer.
refused-end-before-start = The end must come after the start.
refused-attendee-cannot-change = Only the organizer can change { $what }. Propose another time or place instead.
refused-no-such-occurrence = The event does not take place on { $date } at { $time }.
refused-other = The calendar refused it: { $reason }.
# The web manager's error pages (imip-cli's web/error.rs).
web-error-title-bad = That did not work
web-error-title-forbidden = Not yours
web-error-title-not-found = Not found
web-error-title-csrf = Please try again
web-error-title-too-many = Too many attempts
web-error-title-unavailable = Try again in a moment
web-error-title-link = This link cannot be used
web-error-forbidden = You can see and act only for yourself and the resources you own.
web-error-csrf = This form is out of date or did not come from this site. Go back, reload the page and send it again.
web-error-too-many = Too many failed sign-ins. Wait a few minutes and try again.
web-error-unavailable = The calendar store cannot be reached just now. Nothing was changed.
web-error-field-too-long = A field is too long.
web-error-not-an-answer = “{ $text }” is not an answer.
web-error-not-an-occurrence = “{ $text }” is not an occurrence.
web-error-start-with-end = Give a start with the end.
web-error-not-a-time = “{ $text }” is not a time; give one like 2027-01-12 10:00.
web-error-not-a-zone = “{ $text }” is not a time zone (say Europe/Oslo).
web-error-hours = { $day }: the hours must end after they begin.
web-error-hours-time = { $day }: “{ $text }” is not a time of day (say 09:00).
web-error-hours-overlap = { $day }: the two spans of hours must not overlap.
web-error-name = A name is at most 200 characters, on one line.
web-error-language = “{ $text }” is not a language tag (say en or de).
web-error-choice = “{ $text }” is not one of the choices.
web-error-availability = This availability cannot be read: it must be iCalendar text with a VAVAILABILITY component (RFC 7953).
web-error-not-an-address = “{ $text }” is not a mail address.
web-error-event-gone = This event is no longer in the calendar.
web-error-propose-something = Propose a time or a place.
web-error-someone-else = Name someone else.
web-error-not-a-decision = “{ $text }” is not a decision.
web-error-give-start = Give a start.
web-error-change-something = Change something first.
web-error-feed-choice = Choose to make a feed address or to turn it off.
web-error-link-expired = This answer link has expired. Answer from your calendar instead.
web-error-link-altered = This answer link is not valid: it may have been cut or changed.
web-error-link-invalid = This answer link is not valid.
web-error-link-used = This answer link has already been used.
web-error-link-changed = The invitation has changed since this mail was sent. Answer the latest version from your calendar.
web-error-link-answered = You have already answered { $answer ->
    [ACCEPTED] accepted
    [DECLINED] declined
    [TENTATIVE] tentative
   *[other] { $answer }
  }.
web-error-proxy-sign-in = Sign-in is done by the web server in front of imip.
web-error-no-page = There is no such page.
web-error-not-a-view = “{ $text }” is not a view: day, week, month or agenda.
web-error-not-a-date = “{ $text }” is not a date; give one like 2027-01-11.
web-error-name-event = Name an event.
web-error-no-such-event = There is no such event in this calendar.
web-error-ambiguous = That short name fits more than one event.
web-error-length = “{ $text }”: give a length in minutes, 15 to 600.
web-error-freebusy-unpublished = This free/busy is not published.
web-error-no-feed = There is no such feed.
web-error-feed-off = This feed address was turned off.
# Why an event a person drafted or edited cannot be made (words/refusal.rs).
draft-no-title = The event needs a title.
draft-end-not-after-start = The end ({ $end }) is not after the start ({ $start }).
draft-skipped-time = { $time } does not exist in { $zone }: the clocks go forward then. Choose another time.
draft-invalid-value = { $property } is not valid: “{ $value }”.
draft-series-has-exceptions = Some occurrences of this series were changed on their own. Cancel the series and create it again to move it.
draft-not-an-event = Only events can be edited here.
draft-not-recurring = This event does not repeat: cancel the event itself.
draft-floating-series = One occurrence of an all-day or floating series cannot be cancelled here. Edit or cancel the series.
draft-no-such-occurrence = The series has no occurrence on { $date } at { $time } to cancel.
