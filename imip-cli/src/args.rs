//! The command line: every command, with its help and an example.

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use std::ffi::OsString;
use std::path::PathBuf;

/// Calendar mail agent: iTIP over iMIP (RFC 5546, RFC 6047) for an MTA.
///
/// An MTA pipes each message into `imip person`, `imip person-outgoing`
/// or `imip resource`. The other commands manage users, their queues, the
/// store, and free/busy.
///
/// Exit codes (sysexits(3)): 0 done (also for mail refused, ignored or
/// delivered unchanged); 64 a command called wrongly; 65 bad data (a
/// value, a file, problems `store check` found); 66 an input file that is
/// missing; 67 the mailbox refuses the mail for good; 69 the mail
/// transport refused an outgoing mail for good (it is kept in the outbox
/// as undeliverable); 70 an internal error; 73 an output that cannot be
/// created; 74 a store entry that is unreadable; 75 try again later (only
/// what a retry cures); 78 a bad configuration.
#[derive(Parser)]
#[command(name = "imip", version, about, long_about)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) common: Common,
    #[command(subcommand)]
    pub(crate) command: Command,
}

impl Cli {
    /// Reads the command line of this process.
    pub(crate) fn read() -> Result<Cli, clap::Error> {
        Cli::read_from(std::env::args_os())
    }

    /// Reads a command line. The [`Common`] options may come before or
    /// after the command's name, as clap's global arguments may; but clap
    /// copies each global argument into every command as it builds the
    /// parser (22 commands times 9 options: some 40 page faults and 0.15
    /// to 0.25 ms at every start, which an agent started per mail pays).
    /// So they are declared on `imip` itself, and given as globals to the
    /// one command the line names, before parsing: that
    /// command and its subcommands see them as they would see clap's
    /// globals, and its help lists them in the same places.
    pub(crate) fn read_from<I, T>(args: I) -> Result<Cli, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString>,
    {
        let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
        let mut command = Cli::command();
        if let Some(name) = named_command(&command, &args) {
            let globals: Vec<clap::Arg> = Common::augment_args(clap::Command::new("common"))
                .get_arguments()
                .map(|arg| arg.clone().global(true))
                .collect();
            // Each keeps the place it has on `imip` (its display order);
            // the command's own options are numbered from 0 as before.
            command = command.mut_subcommand(name, |sub| sub.args(globals).next_display_order(0));
        }
        let mut matches = command.try_get_matches_from_mut(args)?;
        Cli::from_arg_matches_mut(&mut matches).map_err(|error| error.format(&mut command))
    }
}

/// The command a command line names (or asks help about), if any: the
/// first word that is not an option of `imip` or its value.
fn named_command(command: &clap::Command, args: &[OsString]) -> Option<String> {
    let takes_value = |long: &str| {
        command.get_arguments().any(|arg| arg.get_long() == Some(long) && arg.get_action().takes_values())
    };
    let mut words = args.iter().skip(1);
    let mut asking_help = false;
    while let Some(word) = words.next() {
        // A word that is not UTF-8 is no command's name (an option's
        // value is skipped below without reading it).
        let Some(word) = word.to_str() else { continue };
        if word == "--" {
            return None;
        }
        if let Some(long) = word.strip_prefix("--") {
            if !long.contains('=') && takes_value(long) {
                words.next();
            }
            continue;
        }
        if word.starts_with('-') {
            continue;
        }
        // `imip help COMMAND`: the help of COMMAND.
        if word == "help" && !asking_help {
            asking_help = true;
            continue;
        }
        return command.find_subcommand(word).map(|sub| sub.get_name().to_string());
    }
    None
}

/// Options every command takes, before or after its name (see
/// [`Cli::read_from`]); each overrides the configuration file.
#[derive(Args, Clone)]
pub(crate) struct Common {
    /// The configuration file [default: $IMIP_CONFIG, then /etc/imip/imip.toml].
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// The store: fs:DIR, sqlite:PATH or postgres://USER@HOST/DB [default: fs:imip-data].
    #[arg(long, value_name = "SPEC")]
    pub(crate) store: Option<String>,
    /// Send and deliver nothing: print the mail that would go out, as an
    /// mbox, on stdout. Always on without a configuration file.
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// The system sender address (summaries, notices to owners).
    #[arg(long, value_name = "ADDR")]
    pub(crate) sender: Option<String>,
    /// How replies are sent: sendmail:PROGRAM, smtp:HOST:PORT or
    /// lmtp:HOST:PORT|unix:PATH.
    #[arg(long, value_name = "SPEC")]
    pub(crate) transport: Option<String>,
    /// How the person agent delivers to mailboxes: lmtp:HOST:PORT|unix:PATH,
    /// smtp:HOST:PORT, sendmail:PROGRAM or maildir:DIR.
    #[arg(long, value_name = "SPEC")]
    pub(crate) delivery: Option<String>,
    /// The resource directory (TOML).
    #[arg(long, value_name = "FILE")]
    pub(crate) resources: Option<PathBuf>,
    /// error, warn, info, debug or trace [default: info].
    #[arg(long, value_name = "LEVEL")]
    pub(crate) log_level: Option<String>,
    /// Log to syslog instead of stderr.
    #[arg(long)]
    pub(crate) syslog: bool,
}

/// Each command's arguments are built only when it is the one run
/// (`defer`): an agent started per mail does not build the other twenty.
#[derive(Subcommand)]
#[command(defer = true)]
pub(crate) enum Command {
    /// A person's incoming mail: record invitations, replies, updates and
    /// cancellations, then deliver the mail to the mailbox.
    ///
    /// Reads one RFC 5322 message on stdin (or from MESSAGE). For each
    /// recipient, the calendar parts are processed for that user, and the
    /// mail is delivered by their `incoming` preference: the original
    /// wrapped with a summary (default), summary then original, original
    /// then summary, summary only, or original only. Mail that is not
    /// calendar mail, or that cannot be processed, is delivered
    /// unchanged. Without --recipient, the recipients come from the
    /// X-Original-To headers the MTA adds, else from Delivered-To.
    ///
    /// Example (Postfix master.cf):
    ///   imip-person unix - n n - - pipe
    ///     flags=Rq user=imip argv=/usr/local/bin/imip person --recipient ${recipient}
    Person {
        /// A user the mail is for (repeatable).
        #[arg(long = "recipient", value_name = "ADDR")]
        recipients: Vec<String>,
        /// The envelope sender for the mailbox delivery [default: the
        /// Return-Path header, else the null sender].
        #[arg(long, value_name = "ADDR")]
        envelope_from: Option<String>,
        /// Hand the mail to a running `imip serve` at this socket; when none
        /// answers there, process it here as without this option.
        #[arg(long, value_name = "SOCKET")]
        server: Option<PathBuf>,
        /// The message file [default: stdin].
        message: Option<PathBuf>,
    },
    /// A person's own outgoing mail: record what their client sent
    /// (REQUEST, REPLY, COUNTER, CANCEL…) so their schedule follows.
    ///
    /// Sends and delivers nothing; the mail goes on its way through the
    /// MTA. The user is --user, else the first From: address.
    ///
    /// Example (Postfix, a second pipe transport fed by
    /// sender_dependent_default_transport_maps or a content filter):
    ///   imip-outgoing unix - n n - - pipe
    ///     flags=q user=imip argv=/usr/local/bin/imip person-outgoing --user ${sender}
    PersonOutgoing {
        /// The user who sent it [default: the first From: address].
        #[arg(long, value_name = "ADDR")]
        user: Option<String>,
        /// Hand the mail to a running `imip serve` at this socket; when none
        /// answers there, process it here as without this option.
        #[arg(long, value_name = "SOCKET")]
        server: Option<PathBuf>,
        /// The message file [default: stdin].
        message: Option<PathBuf>,
    },
    /// A resource (room, equipment): answer calendar mail by its policies.
    ///
    /// Reads one message on stdin (or from MESSAGE) and answers it for
    /// each recipient, which must be a resource of the configured
    /// directory. Without a configuration file, every recipient is a
    /// resource that accepts when free and declines when busy. Without
    /// --recipient, the recipients come from X-Original-To, else
    /// Delivered-To.
    ///
    /// Example:
    ///   imip resource --dry-run --recipient room@example.com < examples/mail/request.eml
    Resource {
        /// A resource the mail is for (repeatable).
        #[arg(long = "recipient", value_name = "ADDR")]
        recipients: Vec<String>,
        /// Hand the mail to a running `imip serve` at this socket; when none
        /// answers there, process it here as without this option.
        #[arg(long, value_name = "SOCKET")]
        server: Option<PathBuf>,
        /// The message file [default: stdin].
        message: Option<PathBuf>,
    },
    /// Serve the three agents on a Unix socket, so that the process an
    /// MTA starts per mail only hands the mail over (`--server SOCKET` on
    /// `person`, `person-outgoing` and `resource`).
    ///
    /// The server keeps the configuration, the engine and the store open
    /// between mails; it reads the configuration files again when they
    /// change. Each mail is committed (with fsync) before its answer goes
    /// back, as when the agent runs alone, and the exit code and output
    /// are the ones that run would give. An agent that finds no server at
    /// its socket processes the mail itself. The socket is made readable
    /// and writable by its owner and group only: run the MTA's pipe as a
    /// member of that group. One mail at a time. For the pipe, `imipc`
    /// (installed with imip) takes the same command line and hands the
    /// mail over without starting imip.
    ///
    /// Example (systemd service, with the pipe's argv=/usr/local/bin/imipc
    /// resource --server /run/imip/agents.sock --recipient ${recipient}):
    ///   imip serve --socket /run/imip/agents.sock
    Serve {
        /// The socket to listen on.
        #[arg(long, value_name = "PATH")]
        socket: PathBuf,
    },
    /// The pure engine on files, without a store.
    Itip {
        #[command(subcommand)]
        command: ItipCommand,
    },
    /// Print a user's free/busy as a VFREEBUSY, or publish it.
    ///
    /// Example: imip freebusy --user room@example.com --from 20260301T000000Z --to 20260401T000000Z
    #[command(args_conflicts_with_subcommands = true)]
    Freebusy {
        #[command(subcommand)]
        command: Option<FreebusyCommand>,
        /// Whose free/busy.
        #[arg(long, value_name = "ADDR")]
        user: Option<String>,
        /// Start, as UTC (YYYYMMDDTHHMMSSZ) [default: now].
        #[arg(long, value_name = "TIME")]
        from: Option<String>,
        /// End, as UTC [default: 90 days after the start].
        #[arg(long, value_name = "TIME")]
        to: Option<String>,
    },
    /// Create a user (or a resource) with the default preferences.
    ///
    /// Example: imip init-user room@example.com --resource
    InitUser {
        /// The address.
        address: String,
        /// A resource: shares free/busy, and is answered by its policies.
        #[arg(long)]
        resource: bool,
    },
    /// A user's preferences.
    Prefs {
        #[command(subcommand)]
        command: PrefsCommand,
    },
    /// Resource policy files.
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
    /// List what waits for a decision: invitations, held bookings and
    /// counter-proposals, with when they are (in the user's zone) and a
    /// short handle that other commands take in place of the UID.
    ///
    /// Example: imip pending --user bob@example.com
    Pending {
        /// Only this user [default: everyone].
        #[arg(long, value_name = "ADDR")]
        user: Option<String>,
    },
    /// Approve what waits: accept an invitation, approve a held booking,
    /// accept a counter-proposal, or admit the reply of someone not
    /// invited (they become an attendee with the answer they gave).
    ///
    /// Example: imip approve --as studio@example.com demo@example.org
    Approve {
        /// The user or resource.
        #[arg(long = "as", value_name = "ADDR")]
        principal: String,
        /// The UID, or the handle `imip pending` shows.
        uid: String,
        /// Whose counter-proposal or reply [default: the one queued].
        #[arg(long, value_name = "ADDR")]
        from: Option<String>,
    },
    /// Decline what waits: an invitation, a held booking, a
    /// counter-proposal (a DECLINECOUNTER goes back), or the reply of
    /// someone not invited (dismissed; nothing is sent).
    ///
    /// Example: imip decline --as studio@example.com demo@example.org --comment "Closed that day"
    Decline {
        /// The user or resource.
        #[arg(long = "as", value_name = "ADDR")]
        principal: String,
        /// The UID, or the handle `imip pending` shows.
        uid: String,
        /// Whose counter-proposal or reply [default: the one queued].
        #[arg(long, value_name = "ADDR")]
        from: Option<String>,
        /// A COMMENT for the other side.
        #[arg(long)]
        comment: Option<String>,
    },
    /// Ask the organizer of an event you hold for its latest version
    /// (a REFRESH, RFC 5546 §3.2.6).
    ///
    /// Example: imip refresh --as bob@example.com q1@contoso.example
    Refresh {
        /// The user.
        #[arg(long = "as", value_name = "ADDR")]
        principal: String,
        /// The UID, or the handle `imip pending` shows.
        uid: String,
    },
    /// Hand your place at an event to someone else: they get the
    /// invitation, the organizer is told (RFC 5546 §3.2.2.3).
    ///
    /// Example: imip delegate --as bob@example.com q1@contoso.example --to dana@example.com
    Delegate {
        /// The user.
        #[arg(long = "as", value_name = "ADDR")]
        principal: String,
        /// The UID, or the handle `imip pending` shows.
        uid: String,
        /// Who goes instead.
        #[arg(long, value_name = "ADDR")]
        to: String,
        /// A COMMENT for the organizer and the delegate.
        #[arg(long)]
        comment: Option<String>,
    },
    /// Propose another time or place for an invitation you hold: the
    /// organizer gets a COUNTER (RFC 5546 §3.2.7), and decides.
    ///
    /// UID is the event's UID or the handle `imip pending` shows. Times
    /// are wall-clock times in --zone (default: your TZID preference).
    ///
    /// Example: imip counter --as bob@example.com 4kq2zr --start "2027-01-12 14:00" --duration 1h --comment "Could we meet after lunch?"
    Counter {
        /// The user.
        #[arg(long = "as", value_name = "ADDR")]
        principal: String,
        /// The UID, or its handle.
        uid: String,
        #[command(flatten)]
        time: TimeArgs,
        /// Propose this place.
        #[arg(long)]
        location: Option<String>,
        /// A COMMENT for the organizer.
        #[arg(long)]
        comment: Option<String>,
    },
    /// Organize events: create, edit and cancel them. Invitations,
    /// updates and cancellations go out by mail through the same engine
    /// as the agents (RFC 5546 §3.2.2, §3.2.5).
    Event {
        #[command(subcommand)]
        command: EventCommand,
    },
    /// A calendar at a glance: a day, week or month of a person's or a
    /// room's events, in their zone, with what waits for an answer
    /// marked `?`.
    ///
    /// Example: imip agenda --as bob@example.com --week --from 2027-01-11
    Agenda {
        /// Whose calendar.
        #[arg(long = "as", value_name = "ADDR")]
        principal: String,
        /// One day.
        #[arg(long, conflicts_with_all = ["week", "month"])]
        day: bool,
        /// Seven days (the default).
        #[arg(long, conflicts_with = "month")]
        week: bool,
        /// A calendar month.
        #[arg(long)]
        month: bool,
        /// The first day, YYYY-MM-DD [default: today; for --week the
        /// Monday of that week, for --month the first of the month].
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// The zone [default: the TZID preference, else UTC].
        #[arg(long, value_name = "TZID")]
        zone: Option<String>,
    },
    /// The web manager: people see their calendar, answer, propose,
    /// organize and set their preferences in a browser; free/busy and
    /// private calendar feeds over HTTP.
    ///
    /// Settings come from `[web]` in imip.toml (see the README). With
    /// the built-in sign-in, add people with `imip web passwd ADDRESS`.
    ///
    /// Example: imip web --listen 127.0.0.1:8080
    #[command(args_conflicts_with_subcommands = true)]
    Web {
        #[command(subcommand)]
        command: Option<WebCommand>,
        /// Where to listen [default: web.listen, else 127.0.0.1:8080].
        #[arg(long, value_name = "ADDR:PORT")]
        listen: Option<String>,
    },
    /// Mail waiting to be sent.
    Outbox {
        #[command(subcommand)]
        command: OutboxCommand,
    },
    /// Periodic upkeep: extend recurrence horizons, expire offers, send
    /// what waits in the outbox. Run it daily from cron or a systemd
    /// timer (see the README).
    ///
    /// Example (crontab): 17 3 * * * imip maintain
    Maintain {
        /// Only this user [default: everyone].
        #[arg(long, value_name = "ADDR")]
        user: Option<String>,
    },
    /// Check, repair, copy or import a store.
    Store {
        #[command(subcommand)]
        command: StoreCommand,
    },
}

// When something happens: wall-clock times in a zone. (Not a doc
// comment: clap would show it as the help of the commands that flatten
// these arguments, in place of their own.)
#[derive(Args, Default)]
pub(crate) struct TimeArgs {
    /// The start: "YYYY-MM-DD HH:MM".
    #[arg(long, value_name = "TIME")]
    pub(crate) start: Option<String>,
    /// The end: "YYYY-MM-DD HH:MM", or "HH:MM" on the start's day.
    #[arg(long, value_name = "TIME", conflicts_with = "duration")]
    pub(crate) end: Option<String>,
    /// The length instead of an end: 90m, 1h, 1h30m.
    #[arg(long, value_name = "LENGTH")]
    pub(crate) duration: Option<String>,
    /// The zone of the times [default: the TZID preference, else UTC].
    #[arg(long, value_name = "TZID")]
    pub(crate) zone: Option<String>,
}

#[derive(Subcommand)]
pub(crate) enum EventCommand {
    /// Create an event and invite people and rooms.
    ///
    /// The UID is printed. Without attendees, the event is only stored.
    ///
    /// Example: imip event create --as alice@example.com --title "Q1 planning" --start "2027-01-12 10:00" --duration 1h --zone Europe/Oslo --attendee bob@example.com --room room1@example.com --repeat "FREQ=WEEKLY;COUNT=4"
    Create {
        /// The organizer.
        #[arg(long = "as", value_name = "ADDR")]
        principal: String,
        /// The title.
        #[arg(long)]
        title: String,
        #[command(flatten)]
        time: TimeArgs,
        /// Where.
        #[arg(long)]
        location: Option<String>,
        /// What it is about.
        #[arg(long)]
        description: Option<String>,
        /// Someone to invite (repeatable).
        #[arg(long = "attendee", value_name = "ADDR")]
        attendees: Vec<String>,
        /// A room or equipment to book (repeatable).
        #[arg(long = "room", value_name = "ADDR")]
        rooms: Vec<String>,
        /// How it repeats, as an RRULE: FREQ=WEEKLY;COUNT=4.
        #[arg(long, value_name = "RULE")]
        repeat: Option<String>,
    },
    /// Change an event you organize: everyone gets the update; people
    /// taken off get a cancellation.
    ///
    /// Example: imip event edit --as alice@example.com 4kq2zr --start "2027-01-12 11:00" --duration 1h --location "Room 4.12"
    Edit {
        /// The organizer.
        #[arg(long = "as", value_name = "ADDR")]
        principal: String,
        /// The UID, or its handle.
        uid: String,
        /// A new title.
        #[arg(long)]
        title: Option<String>,
        #[command(flatten)]
        time: TimeArgs,
        /// A new place.
        #[arg(long, conflicts_with = "no_location")]
        location: Option<String>,
        /// No place any more.
        #[arg(long)]
        no_location: bool,
        /// A new description.
        #[arg(long)]
        description: Option<String>,
        /// Someone more to invite (repeatable).
        #[arg(long = "invite", value_name = "ADDR")]
        invite: Vec<String>,
        /// A room more to book (repeatable).
        #[arg(long = "room", value_name = "ADDR")]
        rooms: Vec<String>,
        /// Someone (or a room) to take off the event (repeatable).
        #[arg(long = "uninvite", value_name = "ADDR")]
        uninvite: Vec<String>,
        /// A new RRULE for the series.
        #[arg(long, value_name = "RULE", conflicts_with = "once")]
        repeat: Option<String>,
        /// Happen once: no recurrence any more.
        #[arg(long)]
        once: bool,
    },
    /// Cancel an event you organize: everyone invited gets a
    /// cancellation. With --occurrence, only that occurrence of a series
    /// is cancelled (its attendees get a cancellation for it alone).
    ///
    /// Example: imip event cancel --as alice@example.com 4kq2zr
    ///
    /// Example: imip event cancel --as alice@example.com 4kq2zr --occurrence "2027-01-19 10:00"
    Cancel {
        /// The organizer.
        #[arg(long = "as", value_name = "ADDR")]
        principal: String,
        /// The UID, or its handle.
        uid: String,
        /// Cancel only the occurrence that starts (or started, before it
        /// was moved) at this time: "YYYY-MM-DD HH:MM" in the organizer's
        /// zone, or in --zone.
        #[arg(long, value_name = "TIME")]
        occurrence: Option<String>,
        /// The zone of --occurrence (default: the organizer's TZID).
        #[arg(long, value_name = "TZID", requires = "occurrence")]
        zone: Option<String>,
    },
}

#[derive(Subcommand)]
pub(crate) enum WebCommand {
    /// Set a person's password for the web manager's sign-in: reads it
    /// from stdin (one line) and writes its argon2 hash to the users
    /// file (web.users_file).
    ///
    /// Example: imip web passwd bob@example.com < password.txt
    Passwd {
        /// The person's mail address.
        address: String,
    },
}

#[derive(Subcommand)]
pub(crate) enum ItipCommand {
    /// Run one iTIP message (a .ics file or a whole mail) through the
    /// engine for one user, and print the updated object and the
    /// messages to send. Nothing is written or sent.
    ///
    /// This is the agents' own decision: for a resource of the directory
    /// (--resources, or the configuration's), its policies answer as
    /// `imip resource` does; a VFREEBUSY request is answered. With
    /// --read-store, the user's stored copy and every schedule come from
    /// the configured store, so the answer is the one the agent would
    /// give now; otherwise schedules are empty. A bounce (an RFC 3464
    /// delivery report) is run as the organizer's agent runs it: against
    /// --stored or the stored copy, it shows the SCHEDULE-STATUS it sets.
    ///
    /// Example: imip itip process --as bob@example.com --json examples/mail/request.eml
    ///
    /// Example: imip itip process --resources resources.toml --read-store --as room@example.com request.eml
    Process {
        /// The user the message is for.
        #[arg(long = "as", value_name = "ADDR")]
        principal: String,
        /// The user's stored copy before it (.ics) [default: none].
        #[arg(long, value_name = "FILE")]
        stored: Option<PathBuf>,
        /// Who sent it [default: the mail's From and Sender; for a bare
        /// .ics, nobody, and the sender is not checked].
        #[arg(long, value_name = "ADDR")]
        from: Vec<String>,
        /// Read the stored copy and the schedules from the configured
        /// store (read only).
        #[arg(long)]
        read_store: bool,
        /// Print JSON: {"status", "object", "messages": [...]}.
        #[arg(long)]
        json: bool,
        /// The message.
        message: PathBuf,
    },
    /// Print the messages that changing an object from OLD to NEW sends,
    /// as the user sees it (organizer or attendee).
    ///
    /// Example: imip itip diff --as alice@example.com --old v1.ics --new v2.ics
    Diff {
        /// Whose change.
        #[arg(long = "as", value_name = "ADDR")]
        principal: String,
        /// The version before [default: none, a new object].
        #[arg(long, value_name = "FILE")]
        old: Option<PathBuf>,
        /// The version after [default: none, a deletion].
        #[arg(long, value_name = "FILE")]
        new: Option<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub(crate) enum FreebusyCommand {
    /// Write DIR/ADDRESS.ifb for every user who publishes free/busy
    /// (`freebusy_publishing = publish`, with sharing; resources do by
    /// default), for a web server to serve at their free/busy URL.
    ///
    /// Example: imip freebusy publish --dir /var/www/freebusy
    Publish {
        /// Where [default: freebusy_dir from the configuration].
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        /// How many days ahead [default: 90].
        #[arg(long, default_value_t = 90)]
        days: u32,
    },
}

#[derive(Subcommand)]
pub(crate) enum PrefsCommand {
    /// Print one preference (the user's own, else the default).
    ///
    /// Example: imip prefs get bob@example.com incoming
    Get {
        /// The user.
        user: String,
        /// The preference.
        key: String,
    },
    /// Set a preference.
    ///
    /// Example: imip prefs set bob@example.com incoming summary-only
    Set {
        /// The user.
        user: String,
        /// The preference.
        key: String,
        /// The value.
        value: String,
    },
    /// Remove a preference (the default applies again).
    ///
    /// Example: imip prefs unset bob@example.com incoming
    Unset {
        /// The user.
        user: String,
        /// The preference.
        key: String,
    },
    /// Print every preference of a user.
    ///
    /// Example: imip prefs list bob@example.com
    List {
        /// The user.
        user: String,
    },
    /// Show or set working hours: the `availability` preference (RFC
    /// 7953) written short. Outside them the user's free/busy shows them
    /// unavailable, and a resource with the working-hours policy declines.
    ///
    /// Example: imip prefs hours room@example.com "mon-fri 08:00-18:00, sat 09:00-13:00"
    Hours {
        /// The user or resource.
        user: String,
        /// Days and times, such as "mon-thu 09:00-12:00 13:00-17:00, fri
        /// 09:00-15:00" (days mon to sun, one or a range; one or more
        /// spans HH:MM-HH:MM), or "none" for available at any time.
        /// Without it, the hours are printed.
        hours: Option<String>,
        /// The zone of the times [default: the user's TZID, else UTC].
        #[arg(long)]
        zone: Option<String>,
    },
}

#[derive(Subcommand)]
pub(crate) enum PolicyCommand {
    /// Check a resource directory (TOML) and summarise it.
    ///
    /// Example: imip policy check /etc/imip/resources.toml
    Check {
        /// The file.
        file: PathBuf,
    },
}

#[derive(Subcommand)]
pub(crate) enum OutboxCommand {
    /// Try to send every mail that waits.
    ///
    /// Example: imip outbox flush
    Flush,
    /// List the mail that waits, and mail the transport refused for
    /// good (marked undeliverable, with the reason): id, Message-ID,
    /// sender, recipients, state.
    ///
    /// Example: imip outbox list
    List,
    /// Remove one mail from the outbox (an undeliverable one, say, once
    /// its sender has been told).
    ///
    /// Example: imip outbox remove 00000000000000000042
    Remove {
        /// The id `imip outbox list` shows.
        id: String,
    },
}

#[derive(Subcommand)]
pub(crate) enum StoreCommand {
    /// Check that free/busy matches the stored objects and every record
    /// reads; exit 65 when problems are found.
    ///
    /// Example: imip store check
    Check,
    /// Recompute free/busy from the objects and drop orphans.
    ///
    /// Example: imip store repair
    Repair,
    /// Copy everything into another store.
    ///
    /// Example: imip store copy --to sqlite:/var/lib/imip/imip.db
    Copy {
        /// The target store.
        #[arg(long, value_name = "SPEC")]
        to: String,
    },
    /// Import an imip-agent store directory.
    ///
    /// Example: imip store import-imip-agent /var/lib/imip-agent
    ImportImipAgent {
        /// imip-agent's directory (holding store/, preferences/, …).
        dir: PathBuf,
    },
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    /// clap's own consistency checks, on every command: they run only
    /// as a command is built, and each command is built only when run.
    #[test]
    fn every_command_is_well_formed() {
        Cli::command().debug_assert();
    }

    /// A deferred command still parses its own arguments.
    #[test]
    fn a_deferred_command_parses() {
        use clap::Parser;
        let cli = Cli::try_parse_from(["imip", "--dry-run", "resource", "--recipient", "room@example.com"])
            .expect("parses");
        match cli.command {
            super::Command::Resource { recipients, message, .. } => {
                assert_eq!(recipients, ["room@example.com"]);
                assert!(message.is_none());
            }
            _ => panic!("not the resource command"),
        }
        assert!(Cli::try_parse_from(["imip", "resource", "--bogus"]).is_err());
    }

    /// The options of every command may come before or after its name,
    /// also in a subcommand's subcommand; given twice, the later wins.
    #[test]
    fn common_options_come_before_or_after_the_command() {
        let config = |line: &[&str]| {
            let cli = Cli::read_from(line).unwrap_or_else(|e| panic!("{line:?}: {e}"));
            (cli.common.config.map(|c| c.display().to_string()), cli.common.dry_run, cli.common.store)
        };
        let given = (Some("a.toml".to_string()), true, Some("fs:x".to_string()));
        for line in [
            &["imip", "--config", "a.toml", "--dry-run", "--store=fs:x", "resource"][..],
            &["imip", "resource", "--config", "a.toml", "--dry-run", "--store", "fs:x"],
            &["imip", "--config", "a.toml", "resource", "--store", "fs:x", "--dry-run", "mail.eml"],
            &["imip", "--store", "fs:x", "prefs", "set", "--config=a.toml", "--dry-run", "u@x.org", "k", "v"],
            &["imip", "--config", "resource", "--dry-run", "--store", "fs:x", "resource"],
        ] {
            let read = config(line);
            let want = if line[2] == "resource" && line[3] == "--dry-run" {
                (Some("resource".to_string()), true, Some("fs:x".to_string()))
            } else {
                given.clone()
            };
            assert_eq!(read, want, "{line:?}");
        }
        let later =
            Cli::read_from(["imip", "--config", "a.toml", "pending", "--config", "b.toml"]).expect("parses");
        assert_eq!(later.common.config.expect("config").display().to_string(), "b.toml");
        assert!(Cli::read_from(["imip", "resource", "--config"]).is_err(), "a value is still required");
        // A value that is not UTF-8, before the command.
        use std::os::unix::ffi::OsStringExt;
        let odd = std::ffi::OsString::from_vec(vec![0xff, b'a']);
        let line: Vec<std::ffi::OsString> =
            vec!["imip".into(), "--config".into(), odd.clone(), "resource".into(), "--dry-run".into()];
        let cli = Cli::read_from(line).expect("parses");
        assert_eq!(cli.common.config.map(|c| c.into_os_string()), Some(odd));
        assert!(cli.common.dry_run);
        assert!(Cli::read_from(["imip", "nosuch", "--config", "a.toml"]).is_err());
    }

    /// Every command's help, as `--help`, `-h` and `imip help ...`, reads
    /// as it did when the common options were clap's global arguments
    /// (the oracle below builds that parser).
    #[test]
    fn every_help_reads_as_with_global_options() {
        let old = || Cli::command().mut_args(|arg| arg.global(true));
        let render = |result: Result<(), clap::Error>| match result {
            Err(error) => (error.kind(), error.render().to_string()),
            Ok(()) => panic!("help parses as a command"),
        };
        let mut lines: Vec<Vec<String>> = vec![vec![], vec!["help".into()]];
        let mut all = old();
        all.build();
        for sub in all.get_subcommands() {
            let name = sub.get_name().to_string();
            lines.push(vec![name.clone()]);
            lines.push(vec!["help".into(), name.clone()]);
            for nested in sub.get_subcommands() {
                lines.push(vec![name.clone(), nested.get_name().to_string()]);
                lines.push(vec!["help".into(), name.clone(), nested.get_name().to_string()]);
            }
        }
        assert!(lines.len() > 40, "every command is listed: {}", lines.len());
        for words in lines {
            let flags: &[&[&str]] =
                if words.first().is_some_and(|w| w == "help") { &[&[]] } else { &[&["--help"], &["-h"]] };
            for flag in flags {
                let line: Vec<String> = std::iter::once("imip".to_string())
                    .chain(words.iter().cloned())
                    .chain(flag.iter().map(|f| f.to_string()))
                    .collect();
                let want = render(old().try_get_matches_from(&line).map(|_| ()));
                let got = render(Cli::read_from(&line).map(|_| ()));
                assert_eq!(got, want, "{line:?}");
            }
        }
    }
}
