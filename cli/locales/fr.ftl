label-error = erreur
label-hint = conseil
no-home-dir = aucun dossier de données n'a été trouvé pour cet utilisateur
hint-pass-home = indiquez --home DOSSIER ou définissez AUDACITIES_HOME
hint-init = créez-en un avec : audacities init --city NOM --country CC (ou indiquez --home DOSSIER)
hint-already-init = utilisez ce dossier tel quel, ou indiquez un autre --home DOSSIER
hint-chmod = restreignez le fichier de clé avec : chmod 600 { $path }
hint-disk-full = libérez de l'espace disque et relancez la commande ; rien n'a été écrit à moitié
home-failed = impossible d'ouvrir le dossier du nœud
store-failed = la base locale a refusé l'opération
hint-verify = lancez audacities verify pour contrôler la base
bad-kind = type inconnu
hint-kinds = types : case_study, scenario, governance_practice, actor, actor_relation, skill, method, indicator, recommendation
bad-country = « { $got } » n'est pas un code pays ISO 3166-1 alpha-2
hint-country = utilisez deux lettres, par ex. FR, IT, ES, KR
init-done = Dossier créé dans { $dir }
init-key = Clé de la ville (à partager avec les villes partenaires) : { $key }
init-placeholder = La ville n'a pas encore de nom : renseignez [city] name dans config.toml, ou relancez init avec --city.
init-next = Ensuite : rédigez un brouillon (voir examples/), puis lancez : audacities publish FICHIER
publish-invalid = { $n ->
    [one] 1 problème trouvé ; rien n'a été publié
   *[other] { $n } problèmes trouvés ; rien n'a été publié
  }
hint-schema = corrigez les champs indiqués ; audacities schema TYPE affiche tous les champs d'un type
published = { $n ->
    [one] 1 entrée publiée.
   *[other] { $n } entrées publiées.
  }
stdin-twice = - (entrée standard) ne peut être donné qu'une fois
read-failed = lecture impossible
unknown-format = { $file } : format de brouillon inconnu
hint-formats = utilisez un fichier .toml, .json ou .md (Markdown avec en-tête +++ ou ---)
bad-theme = thème inconnu « { $got } » ; les thèmes sont
nothing-found = Aucune entrée.
col-id = id
col-kind = type
col-title = titre
col-themes = thèmes
col-created = créée
col-snippet = extrait
col-city = ville
col-signer = signée par
col-signature = signature
signature-verified = vérifiée (ed25519, stricte)
search-none = Rien trouvé pour « { $query } ».
bad-id = identifiant invalide
hint-id-prefix = donnez l'identifiant ou un préfixe d'au moins 8 caractères hexadécimaux minuscules
hint-list = audacities list et audacities search affichent les identifiants
not-found = aucune entrée { $id }
stored-invalid = l'entrée enregistrée { $id } ne se vérifie plus : { $reason }
export-failed = export impossible
exported = { $n ->
    [one] 1 entrée écrite dans { $file }.
   *[other] { $n } entrées écrites dans { $file }.
  }
import-partial = { $n } entrées avaient été enregistrées avant l'échec ; elles sont conservées
import-rejected-line = { $file }:{ $line } : refusée : { $reason }
import-summary = Acceptées : { $accepted }, doublons : { $duplicates }, refusées : { $rejected }, hors confiance : { $untrusted }.
import-some-rejected = { $n ->
    [one] 1 entrée a été refusée ; les autres ont été importées
   *[other] { $n } entrées ont été refusées ; les autres ont été importées
  }
hint-rejected = les raisons sont indiquées ci-dessus ; demandez à l'expéditeur un nouvel export
verify-summary = { $n ->
    [one] { $n } entrée contrôlée
   *[other] { $n } entrées contrôlées
  }, { $bad ->
    [one] { $bad } invalide
   *[other] { $bad } invalides
  }.
verify-integrity-ok = Intégrité de la base : ok.
verify-failed = la vérification a trouvé des problèmes
hint-verify-failed = restaurez les entrées listées depuis l'export d'un partenaire (audacities import)
demo-home = Dossier de démonstration : { $dir }
demo-kept = Le dossier de démonstration est conservé dans { $dir } — essayez : audacities --home { $dir } search communs
demo-removed = Le dossier de démonstration a été supprimé (lancez audacities demo --keep pour le garder).
hint-path = vérifiez le chemin et ses droits d'accès
hint-too-large = une entrée signée fait au plus 256 Kio : raccourcissez le brouillon ou scindez-le
reason-too-large = l'entrée fait { $len } octets, au-delà de la limite de { $max } octets
reason-version = head.v : la version de format { $v } n'est pas prise en charge (ce nœud lit la version 1)
reason-id = id : l'identifiant annoncé { $claimed } n'est pas le hachage blake3 des octets signés ({ $computed })
reason-signature = sig : la signature ne se vérifie pas pour la clé { $signer }
reason-body-hash = body : son hachage ne correspond pas à head.body_hash
reason-body-len = body : sa longueur { $computed } ne correspond pas à head.body_len { $claimed }
reason-kind = head.kind : « { $kind } » n'est pas un type connu de ce nœud
reason-kind-mismatch = body.kind : « { $body } » diffère de head.kind « { $head } »
reason-future = head.created : { $ahead } ms en avance sur l'horloge de ce nœud (limite { $max } ms) ; vérifiez l'horloge de la machine qui a signé
reason-utf8 = UTF-8 invalide (octet { $offset })
reason-json = JSON invalide : { $detail }
reason-float = { $path } : les nombres à virgule flottante ne sont pas admis dans le contenu signé
reason-integer = { $path } : l'entier { $value } sort de ±(2^53 − 1)
reason-not-canonical = pas sous forme canonique (RFC 8785)

## run, status, peers
run-failed = Impossible de lancer le nœud
run-started = Nœud de { $city } en marche — identifiant de pair { $peer }, API locale http://{ $api }. Ctrl-C pour arrêter.
run-stopping = Arrêt du nœud…
no-node = Aucun nœud ne tourne pour le dossier { $dir }
hint-run = Lancez-le avec `audacities run` (même --home), puis réessayez.
node-failed = Le nœud n'a pas répondu comme prévu
to-be-set = à renseigner
status-city = Ville
status-peer-id = Identifiant de pair
status-listen = En écoute sur
status-api = API locale
status-commons = Commun (confiance)
status-entries = Entrées
status-fingerprint = Empreinte
status-peers = Pairs connectés
no-peers = Aucun pair connecté pour l'instant. Indiquez-en un avec `audacities run --peer MULTIADDR`.
col-peer = Pair
col-address = Adresse
col-last-sync = Dernière synchro
relayed = relayé

## id, trust, untrusted entries
id-city = Clé de la ville : { $key }
id-peer = Identifiant de pair : { $peer }
id-explain = Communiquez-les aux villes partenaires, comme un identifiant d'appareil Syncthing : la clé de la ville leur permet de faire confiance à vos entrées (audacities trust add { $key }), l'identifiant de pair désigne ce nœud sur le réseau pour que les leurs s'y connectent. Ni l'un ni l'autre n'est secret.
bad-city-key = { $arg } : « { $got } » n'est pas une clé de ville : { $reason }
reason-key-text = une clé compte 64 caractères hexadécimaux minuscules
reason-key-point = ce n'est pas une clé publique ed25519 valide (pas un point de la courbe, ou d'ordre faible)
hint-city-key = la commande audacities id de l'autre ville affiche sa clé
trust-added = { $city } est désormais de confiance : ce nœud garde et relaie ses entrées.
trust-already = { $city } était déjà de confiance.
trust-own = { $city } est la ville de ce nœud : elle est toujours de confiance.
trust-open-note = Remarque : config.toml indique trust = "open", ce nœud accepte donc déjà toutes les villes ; la liste s'applique avec trust = "members".
trust-removed = { $city } n'est plus de confiance ; ses entrées déjà enregistrées sont conservées.
trust-not-member = { $city } n'est pas dans la liste de confiance
hint-trust-list = audacities trust list affiche les villes de confiance
trust-mode-members = Confiance : members — cette ville et les villes ci-dessous (réglé dans config.toml).
trust-mode-open = Confiance : open — toute ville dont la signature est valide (réglé dans config.toml ; la liste ci-dessous s'applique avec trust = "members").
trust-this-city = Cette ville : { $key }
trust-none = Aucune autre ville de confiance pour l'instant. Ajoutez-en une avec : audacities trust add CLÉ
col-city-key = clé de la ville
col-label = note
col-added = ajoutée
reason-untrusted = la ville { $city } n'est pas de confiance pour ce nœud
import-untrusted-line = { $file }:{ $line } : non importée : la ville { $city } n'est pas de confiance pour ce nœud
import-untrusted-city = ville { $city } : { $n ->
    [one] 1 entrée
   *[other] { $n } entrées
  }
import-some-untrusted = { $n ->
    [one] 1 entrée n'a pas été importée : sa ville n'est pas de confiance pour ce nœud
   *[other] { $n } entrées n'ont pas été importées : leur ville n'est pas de confiance pour ce nœud
  }
hint-trust-add = si vous faites confiance à cette ville, lancez : audacities trust add { $city } — puis importez de nouveau
hint-trust-add-many = pour chaque ville de confiance, lancez : audacities trust add CLÉ — puis importez de nouveau

reason-no-delegation = head.signer : { $signer } ne parle pas pour la ville { $city } le { $created } : aucune délégation de la ville n'est connue pour cette clé (importez ou synchronisez d'abord la délégation de la ville)
reason-kind-not-delegated = head.kind : la délégation de { $signer } ne couvre pas { $kind } (elle couvre { $covered })
reason-revoked = head.signer : { $signer } a été révoquée par sa ville depuis le { $since } ; cette entrée est datée du { $created }
reason-rotated = head.signer : { $signer } ne parle plus pour sa ville : la ville est passée à une autre clé le { $rotated }, avant cette entrée ({ $created })

hint-staff-delegation = demandez à votre ville de lancer `audacities key delegate VOTRE_CLÉ --kinds … --until …`, puis synchronisez ou importez (`audacities import`) son paquet
hint-staff-key = une clé fait 64 caractères hexadécimaux minuscules ; `audacities id` du poste d'agent l'affiche comme clé de signature
hint-staff-of = donnez la clé de la ville (64 caractères hexadécimaux), telle que `audacities id` de la ville l'affiche
hint-date = écrivez une date AAAA-MM-JJ ou un instant AAAA-MM-JJTHH:MM:SSZ (UTC)
bad-key = pas une clé
bad-date = pas une date : { $got }
act-id = Acte : { $id }
key-delegated = Délégation à { $key } : { $kinds }, jusqu'au { $until }
key-revoked = { $key } révoquée depuis le { $since } : chaque nœud refuse désormais ses entrées à partir de ce moment
key-rotated = La ville { $city } signe désormais avec { $key } ; l'ancienne clé est retirée (redémarrez un nœud en marche)
rotate-staff = un poste d'agent n'a pas de clé de ville à changer ; c'est la ville qui change la sienne
key-list-city = Ville { $city } ; ses clés :
key-list-delegations = Délégations :
key-list-none = Aucune délégation.
grant-not_yet = pas encore
grant-active = active
grant-expired = expirée
grant-revoked = révoquée
city-set = Profil de { $name } publié
init-staff-key = Clé d'agent : { $key } (publie pour la ville { $city } une fois déléguée)
init-staff-next = Ensuite : dans le dossier de la ville, lancez : audacities key delegate { $key } --kinds case_study,scenario --until AAAA-MM-JJ ; puis synchronisez ou importez son paquet ici
id-signing = Clé de signature : { $key }
reason-unknown-version = head.revises : { $id } n'est pas une entrée que ce nœud détient (encore) ; la version sera prise quand il l'aura
reason-not-a-version = head.revises.prev : { $id } n'est pas une version du document { $doc }
reason-not-a-document = head.revises.doc : { $doc } est elle-même une version ultérieure ; donnez la première version du document
reason-foreign-revision = head.revises.doc : le document { $doc } appartient à la ville { $owner } ; seule cette ville (sa clé ou ses agents délégués) peut le réviser
reason-kind-changed = head.kind : le document { $doc } est de type { $kind } ; ses versions gardent ce type
revises-one-file = --revises prend exactement un brouillon : la nouvelle version
history-title = Versions de { $doc } :
history-current = affichée
history-head = dernière de sa branche
history-conflict = Conflit : { $n } versions concurrentes ; publiez une nouvelle version avec --revises pour les réunir (chaque nœud affiche la plus récente en attendant).
show-newer = { $id } est une version antérieure ; voici la version actuelle ({ $current }) : `audacities history { $id }` les liste toutes.
show-conflict = Conflit : ce document a { $n } versions concurrentes (voir `audacities history { $id }`).
reason-retracted = head : le document { $doc } a été retiré par sa ville ; ses versions sont effacées et ne sont plus jamais reprises
retracted = { $doc } retiré ({ $n } versions) : chaque nœud qui reçoit le retrait l'efface et le confirme
show-retracted = Le document { $doc } a été retiré par sa ville le { $at } ; son texte est effacé de ce nœud.
show-retracted-reason = Raison : { $reason }
show-erased-by = Effacement confirmé par { $n } villes :
reason-delegation-not-yet = head.created : { $created } est avant le début de la délégation de { $signer } ({ $from })
reason-delegation-expired = head.created : { $created } est après la fin de la délégation de { $signer } ({ $until }) ; demandez une nouvelle délégation à la ville
reason-act-by-staff = head.signer : un acte { $kind } doit être signé par la clé en vigueur de la ville, pas par une clé d'agent ni aucune autre clé
unknown-city = aucune ville nommée { $got } n'est connue ici
ambiguous-city = plusieurs villes s'appellent { $got }
hint-city-key = donnez la clé de la ville (64 caractères hexadécimaux)
endorsed = Soutien à { $doc } publié
adopted = Adoption de { $doc } publiée
show-endorsed-by = Soutenu par { $city }, { $date } : { $note }
show-adopted-by = Adopté par { $city }, { $date } : { $note }
status-refused = Refusées depuis le démarrage
refused-untrusted = de villes non reconnues ici
refused-unauthorized = signées par une clé qui ne peut pas parler pour sa ville
refused-waiting = versions en attente de leur document
refused-retracted = retirées et effacées
refused-clock = datées dans le futur
refused-invalid = invalides (signature, format, contenu)
trust-purge-ask = Effacer aussi les { $n } entrées de { $city } gardées ici ? [o/N]
trust-purge-kept = Ses { $n } entrées sont gardées ; pour les effacer : audacities trust remove { $key } --yes
trust-purged = { $n } entrées et actes de { $city } effacés.
trust-mode-vouched = Confiance : vouched — cette ville, la liste ci-dessous, et les villes qu'au moins { $n } d'entre elles recommandent.
trust-vouched-city = Recommandée : { $key }
trust-vouched = { $city } recommandée : les nœuds en mode vouched qui font confiance à cette ville en tiennent compte.
hint-translation-file = un fichier de traduction donne title (et summary, body) en TOML ou JSON, ou en Markdown avec title dans l'en-tête +++
translated = Traduction de { $of } en { $lang } publiée
show-translation = Traduction ({ $lang }) par { $city } : { $title }
show-translation-stale = Traduction ({ $lang }) par { $city }, d'une version antérieure : { $title }
reason-foreign-retraction = body.doc : le document { $doc } appartient à la ville { $owner } ; seule cette ville peut le retirer
