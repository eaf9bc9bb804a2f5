label-error = error
label-hint = hint
no-home-dir = no data folder could be found for this user
hint-pass-home = pass --home DIR or set AUDACITIES_HOME
hint-init = create one with: audacities init --city NAME --country CC (or pass --home DIR)
hint-already-init = use this home as it is, or pass another --home DIR
hint-chmod = restrict the key file with: chmod 600 { $path }
hint-disk-full = free some disk space and run the command again; nothing was half-written
home-failed = cannot open the home
store-failed = the local database refused the operation
hint-verify = run audacities verify to check the database
bad-kind = unknown kind
hint-kinds = kinds: case_study, scenario, governance_practice, actor, actor_relation, skill, method, indicator, recommendation
bad-country = "{ $got }" is not an ISO 3166-1 alpha-2 country code
hint-country = use two letters, e.g. FR, IT, ES, KR
init-done = Home created in { $dir }
init-key = City key (share it with partner cities): { $key }
init-placeholder = The city has no name yet: set [city] name in config.toml, or run init with --city.
init-next = Next: write a draft (see examples/), then run: audacities publish FILE
publish-invalid = { $n ->
    [one] 1 problem found; nothing was published
   *[other] { $n } problems found; nothing was published
  }
hint-schema = fix the fields named above; audacities schema KIND prints every field of a kind
published = { $n ->
    [one] 1 entry published.
   *[other] { $n } entries published.
  }
stdin-twice = - (stdin) can be given only once
read-failed = cannot read
unknown-format = { $file }: unknown draft format
hint-formats = use a .toml, .json or .md (Markdown with +++ or --- front matter) file
bad-theme = unknown theme "{ $got }"; themes are
nothing-found = No entries.
col-id = id
col-kind = kind
col-title = title
col-themes = themes
col-created = created
col-snippet = excerpt
col-city = city
col-signer = signed by
col-signature = signature
signature-verified = verified (ed25519, strict)
search-none = Nothing found for "{ $query }".
bad-id = not an id
hint-id-prefix = give the id or a prefix of at least 8 lowercase hexadecimal characters
hint-list = audacities list and audacities search show the ids
not-found = no entry { $id }
stored-invalid = the stored entry { $id } no longer verifies: { $reason }
export-failed = cannot export
exported = { $n ->
    [one] 1 entry written to { $file }.
   *[other] { $n } entries written to { $file }.
  }
import-partial = { $n } entries had been stored before the failure; they are kept
import-rejected-line = { $file }:{ $line }: rejected: { $reason }
import-summary = Accepted: { $accepted }, duplicates: { $duplicates }, rejected: { $rejected }, untrusted: { $untrusted }.
import-some-rejected = { $n ->
    [one] 1 entry was rejected; the others were imported
   *[other] { $n } entries were rejected; the others were imported
  }
hint-rejected = the reasons are listed above; ask the sender for a fresh export
verify-summary = { $n ->
    [one] 1 entry checked
   *[other] { $n } entries checked
  }, { $bad } invalid.
verify-integrity-ok = Database integrity: ok.
verify-failed = verification found problems
hint-verify-failed = restore the listed entries from a partner's export (audacities import)
demo-home = Demo home: { $dir }
demo-kept = The demo home is kept in { $dir } — try: audacities --home { $dir } search commons
demo-removed = The demo home was removed (run audacities demo --keep to keep it).
hint-path = check the path and its permissions
hint-too-large = an entry is at most 256 KiB once signed: shorten the draft or split it
reason-too-large = entry is { $len } bytes, over the limit of { $max } bytes
reason-version = head.v: format version { $v } is not supported (this node reads version 1)
reason-id = id: claimed id { $claimed } is not the blake3 hash of the signed bytes ({ $computed })
reason-signature = sig: the signature does not verify for signer { $signer }
reason-body-hash = body: its hash does not match head.body_hash
reason-body-len = body: its length { $computed } does not match head.body_len { $claimed }
reason-kind = head.kind: "{ $kind }" is not a kind this node knows
reason-kind-mismatch = body.kind: "{ $body }" differs from head.kind "{ $head }"
reason-future = head.created: { $ahead } ms ahead of this node's clock (limit { $max } ms); check the clock of the signing machine
reason-utf8 = not valid UTF-8 (byte { $offset })
reason-json = not valid JSON: { $detail }
reason-float = { $path }: floating-point numbers are not allowed in signed content
reason-integer = { $path }: integer { $value } is outside ±(2^53 − 1)
reason-not-canonical = not in canonical form (RFC 8785)

## run, status, peers
run-failed = Could not run the node
run-started = Node of { $city } running — peer id { $peer }, local API http://{ $api }. Ctrl-C to stop.
run-stopping = Stopping the node…
no-node = No node is running for the home { $dir }
hint-run = Start it with `audacities run` (same --home), then try again.
node-failed = The node did not answer as expected
to-be-set = to be set
status-city = City
status-peer-id = Peer id
status-listen = Listening on
status-api = Local API
status-commons = Commons (trust)
status-entries = Entries
status-fingerprint = Fingerprint
status-peers = Peers connected
no-peers = No peer connected yet. Point this node at another with `audacities run --peer MULTIADDR`.
col-peer = Peer
col-address = Address
col-last-sync = Last sync
relayed = relayed

## id, trust, untrusted entries
id-city = City key: { $key }
id-peer = Peer id:  { $peer }
id-explain = Share both with partner cities, as you would a Syncthing device id: the city key lets them trust your entries (audacities trust add { $key }), the peer id names this node on the network so that theirs can connect to it. Neither is secret.
bad-city-key = { $arg }: "{ $got }" is not a city key: { $reason }
reason-key-text = a key is 64 lowercase hexadecimal characters
reason-key-point = not a valid ed25519 public key (not a curve point, or of small order)
hint-city-key = the other city's audacities id prints its city key
trust-added = { $city } is now trusted: this node stores and relays its entries.
trust-already = { $city } was already trusted.
trust-own = { $city } is this node's own city: it is always trusted.
trust-open-note = Note: config.toml says trust = "open", so this node takes every city anyway; the list applies with trust = "members".
trust-removed = { $city } is no longer trusted; its entries already stored are kept.
trust-not-member = { $city } is not on the trust list
hint-trust-list = audacities trust list shows the trusted cities
trust-mode-members = Trust: members — this city and the cities below (set in config.toml).
trust-mode-open = Trust: open — every validly signed city (set in config.toml; the list below applies with trust = "members").
trust-this-city = This city: { $key }
trust-none = No other city is trusted yet. Add one with: audacities trust add CITYKEY
col-city-key = city key
col-label = label
col-added = added
reason-untrusted = the city { $city } is not trusted by this node
import-untrusted-line = { $file }:{ $line }: not imported: the city { $city } is not trusted by this node
import-untrusted-city = city { $city }: { $n ->
    [one] 1 entry
   *[other] { $n } entries
  }
import-some-untrusted = { $n ->
    [one] 1 entry was not imported: its city is not trusted by this node
   *[other] { $n } entries were not imported: their city is not trusted by this node
  }
hint-trust-add = if you trust this city, run: audacities trust add { $city } — then import again
hint-trust-add-many = for each city you trust, run: audacities trust add CITYKEY — then import again

reason-no-delegation = head.signer: { $signer } does not speak for city { $city } on { $created }: no delegation from the city is known for this key (import or sync the city's delegation first)
reason-kind-not-delegated = head.kind: the delegation of { $signer } does not cover { $kind } (it covers { $covered })
reason-revoked = head.signer: { $signer } was revoked by its city since { $since }; this entry is dated { $created }
reason-rotated = head.signer: { $signer } no longer speaks for its city: the city moved to another key on { $rotated }, before this entry ({ $created })

hint-staff-delegation = ask your city to run `audacities key delegate YOUR_SIGNING_KEY --kinds … --until …`, then sync or `audacities import` its bundle
hint-staff-key = a key is 64 lowercase hexadecimal characters; the staff home's `audacities id` prints it as its signing key
hint-staff-of = pass the city's key (64 hex characters), as the city's `audacities id` prints it
hint-date = write a date as YYYY-MM-DD or a moment as YYYY-MM-DDTHH:MM:SSZ (UTC)
bad-key = not a key
bad-date = not a date: { $got }
act-id = Act: { $id }
key-delegated = Delegated to { $key }: { $kinds }, until { $until }
key-revoked = Revoked { $key } since { $since }: every node refuses its entries from then on
key-rotated = City { $city } now signs with { $key }; the old key is retired (restart a running node)
rotate-staff = a staff home has no city key to rotate; the city rotates its own key
key-list-city = City { $city }; its keys:
key-list-delegations = Delegations:
key-list-none = No delegation.
grant-not_yet = not yet
grant-active = active
grant-expired = expired
grant-revoked = revoked
city-set = Published the profile of { $name }
init-staff-key = Staff key: { $key } (publishes for city { $city } once delegated)
init-staff-next = Next: in the city's home, run: audacities key delegate { $key } --kinds case_study,scenario --until YYYY-MM-DD; then sync or import its bundle here
id-signing = Signing key: { $key }
reason-unknown-version = head.revises: { $id } is not an entry this node holds (yet); the version is taken once it is
reason-not-a-version = head.revises.prev: { $id } is not a version of document { $doc }
reason-not-a-document = head.revises.doc: { $doc } is itself a later version; name the document's first version
reason-foreign-revision = head.revises.doc: document { $doc } belongs to city { $owner }; only that city (its key or its delegates) may revise it
reason-kind-changed = head.kind: document { $doc } is a { $kind }; its versions keep that kind
revises-one-file = --revises takes exactly one draft file: the new version
history-title = Versions of { $doc }:
history-current = shown
history-head = latest of its branch
history-conflict = Conflict: { $n } concurrent versions; publish a new version with --revises to merge them (every node shows the latest meanwhile).
show-newer = { $id } is an earlier version; shown here is the current one ({ $current }): `audacities history { $id }` lists them all.
show-conflict = Conflict: this document has { $n } concurrent versions (see `audacities history { $id }`).
reason-retracted = head: document { $doc } was retracted by its city; its versions are erased and never taken again
retracted = Retracted { $doc } ({ $n } versions): every node that takes the retraction erases it and confirms
show-retracted = Document { $doc } was retracted by its city on { $at }; its text is erased from this node.
show-retracted-reason = Reason: { $reason }
show-erased-by = Erasure confirmed by { $n } cities:
reason-delegation-not-yet = head.created: { $created } is before the delegation of { $signer } begins ({ $from })
reason-delegation-expired = head.created: { $created } is after the delegation of { $signer } ended ({ $until }); ask the city for a new delegation
reason-act-by-staff = head.signer: a { $kind } must be signed by the city's key in force, not by a staff key or any other key
unknown-city = no city named { $got } is known here
ambiguous-city = several cities are named { $got }
hint-city-key = give the city's key (64 hexadecimal characters)
endorsed = Endorsed { $doc }
adopted = Adopted { $doc }
show-endorsed-by = Endorsed by { $city }, { $date }: { $note }
show-adopted-by = Adopted by { $city }, { $date }: { $note }
status-refused = Refused since start
refused-untrusted = from cities not trusted here
refused-unauthorized = signed by a key that may not speak for its city
refused-waiting = versions waiting for their document
refused-retracted = retracted and erased
refused-clock = dated in the future
refused-invalid = invalid (signature, format, content)
trust-purge-ask = Also delete the { $n } entries of { $city } stored here? [y/N]
trust-purge-kept = Kept its { $n } stored entries; to delete them: audacities trust remove { $key } --yes
trust-purged = Deleted { $n } entries and acts of { $city }.
trust-mode-vouched = Trust: vouched — this city, the list below, and the cities at least { $n } of them vouch for.
trust-vouched-city = Vouched for: { $key }
trust-vouched = Vouched for { $city }: nodes in vouched mode that trust this city count it.
hint-translation-file = a translation file holds title (and summary, body) in TOML or JSON, or Markdown with title in +++ front matter
translated = Translation of { $of } into { $lang } published
show-translation = Translation ({ $lang }) by { $city }: { $title }
show-translation-stale = Translation ({ $lang }) by { $city }, of an earlier version: { $title }
reason-foreign-retraction = body.doc: document { $doc } belongs to city { $owner }; only that city may retract it
