"""Everything the bot says, in Danish (first) and English.

`say(language, key, **values)` formats one text. Values are inserted as they are: escaping
user and knowledge-base text for a platform's markup is the adapter's job.

Sentences are whole in both languages: where a sentence depends on a stage or a state, each
has its own key (`adopted_piloting`, `expired_adding`) rather than a label pasted into one
sentence, which no language can then inflect. Labels (`stage_*`, `status_*`) are for lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

TEXTS: dict[str, tuple[str, str]] = {
    # --- welcome and help
    "welcome": (
        "Hej {name}! Jeg er Spred. Jeg finder løsninger fra andre offentlige organisationer "
        "– med målte resultater og kollegaen, der står bag.\n"
        "Skriv dit spørgsmål med dine egne ord, fx: hvordan får vi ventetiden ned i "
        "hjemmeplejen?",
        "Hi {name}! I'm Spred. I find solutions from other public organisations – with "
        "measured results and the colleague behind them.\n"
        "Ask your question in your own words, e.g.: how do we cut waiting times in home care?",
    ),
    "help": (
        "Skriv et spørgsmål med dine egne ord, så viser jeg de løsninger, der passer bedst.\n"
        "• mere – flere løsninger på dit sidste spørgsmål\n"
        "• hvem bruger <løsning> – se, hvem der prøver eller bruger den, så du kan spørge dem\n"
        "• del en løsning – del noget, der virker hos jer, så andre kan bruge det\n"
        "• følg <emne> – fx følg ældrepleje: hver uge en kort oversigt over nyt i emnet\n"
        "• english – skift til engelsk\n"
        "• glem mig – jeg sletter alt, hvad jeg ved om dig\n"
        "Under hver løsning kan du kontakte kollegaen bag den eller læse mere om den og derfra "
        "melde, at I prøver den. Passer ingen af løsningerne, så tryk “Hjalp ikke”.",
        "Ask a question in your own words, and I'll show you the solutions that fit best.\n"
        "• more – more solutions for your last question\n"
        "• who uses <solution> – see who is trying or using it, so you can ask them\n"
        "• share a solution – share something that works for you, so others can use it\n"
        "• follow <topic> – e.g. follow elderly care: a short weekly overview of what is new\n"
        "• dansk – switch to Danish\n"
        "• forget me – I delete everything I know about you\n"
        "Under each solution you can contact the colleague behind it, or read more about it "
        "and report from there that you are trying it. If none of them fits, press “Did not "
        "help”.",
    ),
    # Said to someone whose manager is in the people directory: what reaches the manager.
    "manager_note": (
        "Godt at vide: Når du kontakter en kollega eller melder, at I prøver en løsning – "
        "eller når flere i din enhed læser mere om den samme – kan din leder få en kort "
        "besked om det. Hvad du spørger om, får din leder ikke at vide, og dit navn kun, hvis "
        "du siger ja til det.",
        "Good to know: when you contact a colleague or report that you are trying a solution "
        "– or when several people in your unit read more about the same one – your manager "
        "may get a short message about it. What you ask about is not passed on, and your name "
        "only if you say yes to that.",
    ),
    "help_admin": (
        "Som administrator kan du også:\n"
        "• tilføj – tilføj en løsning (jeg spørger om ét felt ad gangen)\n"
        "• ret <id> <felt> – ret ét felt i en løsning\n"
        "• fjern <id> – skjul en løsning i svarene (den bliver ikke slettet)\n"
        "• fortryd <id> – gør en løsning, som den var før den seneste ændring\n"
        "• sæt Annas leder til Bo Hansen – registrér, hvem der er leder for hvem\n"
        "• importér folk – indsæt folk til personkartoteket som CSV\n"
        "• efterspørgsel – spørgsmål uden en god løsning, de hyppigste først\n"
        "• indsendte – løsninger, kolleger har delt, som venter på at blive udgivet\n"
        "• feedback – hvad brugerne har sagt om svarene",
        "As an administrator you can also:\n"
        "• add – add a solution (I ask for one field at a time)\n"
        "• edit <id> <field> – change one field of a solution\n"
        "• retire <id> – hide a solution from answers (it is not deleted)\n"
        "• undo <id> – put a solution back as it was before its latest change\n"
        "• set Anna's manager to Bo Hansen – record who manages whom\n"
        "• import people – paste people for the people directory as CSV\n"
        "• demand – questions without a good solution, most asked first\n"
        "• submissions – solutions colleagues shared, waiting to be published\n"
        "• feedback – what people said about the answers",
    ),
    "language_set": ("Jeg skriver dansk til dig fra nu af.", "I will write to you in English."),
    # A dialogue left silent for 30 minutes (bot/sessions.py), one sentence per state.
    "expired_adding": (
        "Du var ved at tilføje en løsning, men der er ikke sket noget i 30 minutter, så jeg "
        "har lukket den. Intet er gemt. Skriv “tilføj” for at begynde forfra.",
        "You were adding a solution, but nothing happened for 30 minutes, so I closed it. "
        "Nothing was saved. Type “add” to start again.",
    ),
    "expired_reviewing": (
        "Du var ved at tilføje en løsning, men den blev ikke udgivet inden for 30 minutter, så "
        "jeg har lukket den. Intet er udgivet. Skriv “tilføj” for at begynde forfra.",
        "You were adding a solution, but it was not published within 30 minutes, so I closed "
        "it. Nothing was published. Type “add” to start again.",
    ),
    "expired_editing": (
        "Du var ved at rette en løsning, men der er ikke sket noget i 30 minutter, så jeg har "
        "lukket rettelsen. Intet er ændret.",
        "You were editing a solution, but nothing happened for 30 minutes, so I closed it. "
        "Nothing was changed.",
    ),
    "expired_adoption": (
        "Jeg fik ikke svar på, hvor du arbejder, inden for 30 minutter, så jeg har ikke "
        "noteret noget. Tryk på knappen igen, når du er klar.",
        "I did not hear where you work within 30 minutes, so I have not recorded anything. "
        "Press the button again when you are ready.",
    ),
    "expired_planning": (
        "Planen blev ikke færdig inden for 30 minutter, så jeg har lukket den. Intet er gemt. "
        "Tryk “Planlæg en tilpasning” igen, når du har tid.",
        "The plan was not finished within 30 minutes, so I closed it. Nothing was saved. "
        "Press “Plan an adaptation” again when you have time.",
    ),
    "expired_reporting": (
        "Jeg fik ikke dit svar inden for 30 minutter, så jeg har lukket det. Intet er gemt. "
        "Tryk “Fortæl, hvordan det gik” igen, når du har tid.",
        "I did not get your answer within 30 minutes, so I closed it. Nothing was saved. "
        "Press “Tell me how it went” again when you have time.",
    ),
    "expired_measuring": (
        "Jeg fik ikke jeres tal inden for 30 minutter, så jeg har lukket spørgsmålene. Intet "
        "er gemt. Tryk “Ja, vi har målt” igen, når du har tallene.",
        "I did not get your figures within 30 minutes, so I closed the questions. Nothing "
        "was saved. Press “Yes, we measured” again when you have the figures.",
    ),
    "expired_figures": (
        "Du var ved at opdatere tallene i en løsning, men der er ikke sket noget i 30 "
        "minutter, så jeg har lukket det. Intet er ændret. Tryk “Opdater tallene” igen, når "
        "du har tallene.",
        "You were updating a solution's figures, but nothing happened for 30 minutes, so I "
        "closed it. Nothing was changed. Press “Update the figures” again when you have them.",
    ),
    "expired_figures_check": (
        "De nye tal blev ikke gemt inden for 30 minutter, så jeg har lukket det. Intet er "
        "ændret. Tryk “Opdater tallene” igen for at begynde forfra.",
        "The new figures were not saved within 30 minutes, so I closed it. Nothing was "
        "changed. Press “Update the figures” again to start over.",
    ),
    "cancelled": ("Annulleret. Intet er gemt.", "Cancelled. Nothing was saved."),
    # --- managers: why a prompt was sent, one sentence per thing people did (bot/nudges.py)
    "nudge_why_details": (
        "{names} har læst mere om “{title}” i Spred.",
        "{names} read more about “{title}” in Spred.",
    ),
    "nudge_why_contact": (
        "{names} har bedt om kontakt til kollegaen bag “{title}”.",
        "{names} asked to be put in touch with the colleague behind “{title}”.",
    ),
    "nudge_why_interested": (
        "{names} har meldt, at {place} er interesseret i “{title}”.",
        "{names} reported that {place} is interested in “{title}”.",
    ),
    "nudge_why_piloting": (
        "{names} har meldt, at {place} er begyndt at prøve “{title}”.",
        "{names} reported that {place} has started trying “{title}”.",
    ),
    "nudge_why_adopted": (
        "{names} har meldt, at {place} nu bruger “{title}”.",
        "{names} reported that {place} now uses “{title}”.",
    ),
    "nudge": (
        "{reason}\n\n"
        "Løsningen kommer fra {origin}.\n"
        "➜ {result}\n"
        "{using}\n\n"
        "Vil I prøve den? Tre spørgsmål at tage stilling til:\n"
        "• Hvad skal I ændre, for at den passer til jeres hverdag?\n"
        "• Hvem prøver den først?\n"
        "• Hvor meget tid og plads får de til at prøve sig frem og tilpasse den?",
        "{reason}\n\n"
        "The solution comes from {origin}.\n"
        "➜ {result}\n"
        "{using}\n\n"
        "Would you like to try it? Three questions to consider:\n"
        "• What would you change so that it fits your day-to-day work?\n"
        "• Who will try it first?\n"
        "• How much time and room will they get to try it out and adjust it?",
    ),
    "nudge_using_none": (
        "Ingen andre har endnu meldt, at de prøver eller bruger den.",
        "No other organisation has reported trying or using it yet.",
    ),
    "nudge_using_one": (
        "Én anden organisation har meldt, at den prøver eller bruger den.",
        "One other organisation has reported trying or using it.",
    ),
    "nudge_using_many": (
        "{count} andre organisationer har meldt, at de prøver eller bruger den.",
        "{count} other organisations have reported trying or using it.",
    ),
    "nudge_footer": (
        "Du får højst én besked om samme løsning inden for {days} dage.",
        "You get at most one message about the same solution every {days} days.",
    ),
    "follow_up": (
        "For {days} dage siden lagde I en plan for “{title}”. I ville ændre:\n{change}\n\n"
        "Hvordan er det gået?",
        "{days} days ago you made a plan for “{title}”. You planned to change:\n{change}\n\n"
        "How has it gone?",
    ),
    "act_plan": ("Planlæg en tilpasning", "Plan an adaptation"),
    "act_not_relevant": ("Ikke relevant nu", "Not relevant now"),
    "act_remind": ("Mind mig om to uger", "Remind me in two weeks"),
    "act_opt_out": ("Ingen flere påmindelser", "No more prompts"),
    "act_report": ("Fortæl, hvordan det gik", "Tell me how it went"),
    "act_not_started": ("Ikke startet endnu", "Not started yet"),
    "act_dropped": ("Vi droppede den", "We dropped it"),
    "plan_change": (
        "Tre korte spørgsmål, så er planen lagt.\n"
        "1/3: Hvad vil I ændre, så “{title}” passer til jeres hverdag?",
        "Three short questions, and your plan is ready.\n"
        "1/3: What will you change so that “{title}” fits your day-to-day work?",
    ),
    "plan_who": ("2/3: Hvem prøver den først?", "2/3: Who will try it first?"),
    "plan_when": ("3/3: Hvornår går I i gang?", "3/3: When will you start?"),
    "plan_saved": (
        "Tak – planen er gemt. Om {days} dage spørger jeg, hvordan det er gået.",
        "Thank you – your plan is saved. In {days} days I'll ask how it has gone.",
    ),
    "plan_empty": (
        "Skriv et par ord (højst 500 tegn).",
        "Please write a few words (at most 500 characters).",
    ),
    "report_prompt": (
        "Hvad tilpassede I, og hvordan gik det? Skriv gerne tal, fx: ventetiden faldt fra 5 "
        "til 2 dage.\n"
        "Dit svar bliver vist for andre under løsningen, så skriv ikke navne på borgere eller "
        "kolleger.",
        "What did you adapt, and how did it go? Figures are welcome, e.g.: waiting time fell "
        "from 5 to 2 days.\n"
        "Your answer will be shown to others under the solution, so please leave out the "
        "names of service users and colleagues.",
    ),
    "adaptation_saved": (
        "Tak! Det her står nu under løsningen, så andre kan se det:\n{line}",
        "Thank you! This now appears under the solution for others to see:\n{line}",
    ),
    "adaptation_line": ("Tilpasset i {place}: {text}", "Adapted in {place}: {text}"),
    # --- local results: what a unit that adopted a solution measured itself
    "measure_offer": (
        "Målte I noget? Hvis I har tal for “{metric}” før og efter hos jer, viser jeg dem "
        "under løsningen – det er den dokumentation, en skeptisk kollega har brug for.",
        "Did you measure anything? If you have figures for “{metric}” before and after in "
        "your place, I will show them under the solution – the evidence a sceptical "
        "colleague needs.",
    ),
    "act_measured": ("Ja, vi har målt", "Yes, we measured"),
    "act_not_measured": ("Nej, ikke målt", "No, not measured"),
    "measure_before": (
        "1/3: Hvad var “{metric}” hos jer før? Kun tallet{unit}, fx 14",
        "1/3: What was “{metric}” in your place before? The number only{unit}, e.g. 14",
    ),
    "measure_after": (
        "2/3: Og efter? Kun tallet{unit}, fx 5",
        "2/3: And after? The number only{unit}, e.g. 5",
    ),
    "measure_period": (
        "3/3: Hvornår er der målt? Fx 2026 eller jan–jun 2026 (skriv - for at springe over)",
        "3/3: When was it measured? E.g. 2026 or Jan–Jun 2026 (type - to skip)",
    ),
    "measure_unit": (" i {unit}", " in {unit}"),
    "measure_number_needed": (
        "Skriv tallet, fx 14 eller 4,8 – eller tryk Annullér.",
        "Please write the number, e.g. 14 or 4.8 – or press Cancel.",
    ),
    "measure_saved": (
        "Tak! Det her står nu under løsningen, så andre kan se det:\n{line}",
        "Thank you! This now appears under the solution for others to see:\n{line}",
    ),
    "measure_held": (
        " Det gik samme vej som hos {origin}: resultatet er nu gentaget {count} {places}.",
        " It went the same way as at {origin}: the result has now been repeated in {count} "
        "{places}.",
    ),
    "places_one": ("sted", "place"),
    "places_many": ("steder", "places"),
    "measure_skipped": (
        "Helt i orden. Måler I senere, så tryk “Vi bruger den nu” på løsningen igen, så "
        "spørger jeg igen.",
        "That's fine. If you measure later, press “We're using it” on the solution again, "
        "and I will ask again.",
    ),
    "not_your_adoption": (
        "Den knap hører til en anden enheds melding om løsningen. Kun nogen fra den enhed "
        "kan give dens tal.",
        "That button belongs to another unit's report on the solution. Only someone from "
        "that unit can give its figures.",
    ),
    "local_result_line": ("I {place}: {figures}", "In {place}: {figures}"),
    "repeated_one": (
        "Resultatet er gentaget ét sted mere",
        "The result was repeated in one more place",
    ),
    "repeated_many": (
        "Resultatet er gentaget {count} steder",
        "The result was repeated in {count} places",
    ),
    "nudge_dismissed": (
        "Forstået – jeg lader den ligge for nu.",
        "Understood – I'll leave it for now.",
    ),
    "plan_dropped": (
        "Tak for svaret. Jeg lukker planen og spørger ikke mere til den.",
        "Thanks for letting me know. I have closed the plan and will not ask about it again.",
    ),
    "nudge_snoozed": ("Fint – jeg spørger igen om to uger.", "Fine – I'll ask again in two weeks."),
    "opted_out": (
        "Du får ikke flere påmindelser om løsninger. Skriv “påmindelser til”, hvis du vil have "
        "dem igen.",
        "You will not get any more prompts about solutions. Type “prompts on” if you want "
        "them back.",
    ),
    "opted_in": ("Du får påmindelser igen.", "You will get prompts again."),
    "not_your_nudge": (
        "Den påmindelse er til en anden leder.",
        "That prompt is for another manager.",
    ),
    "form_failed": (
        "Formularen kunne ikke åbnes. Prøv igen om lidt.",
        "The form could not be opened. Please try again shortly.",
    ),
    "nudge_answered": (
        "Den påmindelse er allerede besvaret.",
        "That prompt has already been answered.",
    ),
    "plan_too_long": (
        "Det er {length} tegn – skriv det lidt kortere (højst {most} tegn).",
        "That is {length} characters – please make it a little shorter (at most {most}).",
    ),
    "manager_set": (
        "{person} har nu {manager} som leder.",
        "{person}'s manager is now {manager}.",
    ),
    "own_manager": (
        "{person} kan ikke være sin egen leder. Skriv lederens navn.",
        "{person} cannot be their own manager. Type the manager's name.",
    ),
    "several_called": (
        "Flere hedder “{name}”: {people}. Skriv det fulde navn eller id'et.",
        "Several people are called “{name}”: {people}. Type the full name or the id.",
    ),
    "nobody_called": (
        "Jeg kan ikke finde “{name}” i personkartoteket. Personer lægges ind med kommandoen "
        "spred import-people.",
        "I cannot find “{name}” in the people directory. People are added with the command "
        "spred import-people.",
    ),
    # --- a user's own page
    "home_intro": (
        "Spørg mig om løsninger fra andre offentlige organisationer: skriv til mig her, nævn "
        "@Spred i en kanal eller skriv /spred og dit spørgsmål.",
        "Ask me about solutions from other public organisations: message me here, mention "
        "@Spred in a channel, or type /spred followed by your question.",
    ),
    "home_recent": ("\nDine seneste spørgsmål:", "\nYour recent questions:"),
    "home_following": (
        "\nLøsninger, du har meldt, at I prøver eller bruger:",
        "\nSolutions you reported trying or using:",
    ),
    "home_prompts": (
        "\nPåmindelser, der venter på dit svar:",
        "\nPrompts waiting for your answer:",
    ),
    "home_waiting": (
        "\nDine spørgsmål, der venter på en løsning:",
        "\nYour questions waiting for a solution:",
    ),
    # --- asking
    "empty": (
        "Skriv dit spørgsmål, fx: hvordan mindsker vi sygefraværet?",
        "Type your question, e.g.: how do we reduce sick leave?",
    ),
    "no_words": (
        "Jeg kunne ikke finde nogen ord at søge efter i det. Prøv med et par ord om problemet.",
        "I could not find any words to search for in that. Try a few words about the problem.",
    ),
    # A number typed alone: buttons are pressed by tapping them (numbers are the terminal's).
    "bare_number": (
        "Der er ikke noget at trykke på med tallet {number} – ingen knap har det nummer. "
        "Skriv dit spørgsmål med ord, fx: hvordan får vi ventetiden ned i hjemmeplejen?",
        "There is nothing to press with the number {number} – no button has that number. "
        "Type your question in words, e.g.: how do we cut waiting times in home care?",
    ),
    # The terminal chat: a number beyond the buttons it shows.
    "no_such_button": (
        "Der er ingen knap nummer {number} – knapperne har numrene 1 til {last}. Skriv "
        "nummeret på en af dem, eller skriv dit spørgsmål med ord.",
        "There is no button number {number} – the buttons are numbered 1 to {last}. Type the "
        "number of one of them, or type your question in words.",
    ),
    "no_such_button_one": (
        "Der er ingen knap nummer {number} – der er kun knap nummer 1. Skriv 1 for at trykke "
        "på den, eller skriv dit spørgsmål med ord.",
        "There is no button number {number} – there is only button number 1. Type 1 to press "
        "it, or type your question in words.",
    ),
    # Headings say "løsninger", not "afprøvede": pilots are answers too, and each card
    # shows its own status.
    "answers": ("Løsninger på “{question}”:", "Solutions for “{question}”:"),
    "answer": ("En løsning på “{question}”:", "A solution for “{question}”:"),
    # A near miss, or words the knowledge base puts differently: say which words no answer
    # shown covers, rather than let the answers pass for a match on them.
    "answers_unexplained": (
        "Løsninger på “{question}” – men ingen af dem nævner {words}:",
        "Solutions for “{question}” – but none of them mention {words}:",
    ),
    "answer_unexplained": (
        "Jeg fandt én løsning på “{question}”, men den nævner ikke {words}:",
        "I found one solution for “{question}”, but it does not mention {words}:",
    ),
    "or": ("eller", "or"),
    "and": ("og", "and"),
    "more_answers": ("Flere løsninger på “{question}”:", "More solutions for “{question}”:"),
    "no_more": (
        "Jeg har ikke flere løsninger, der passer til “{question}”. Prøv at spørge på en anden "
        "måde.",
        "I have no more solutions that fit “{question}”. Try asking in a different way.",
    ),
    "nothing_to_continue": (
        "Stil et spørgsmål først, så kan jeg vise flere løsninger.",
        "Ask a question first; then I can show you more solutions.",
    ),
    "no_match": (
        "Jeg kender endnu ingen løsning på “{question}”. Jeg har gemt dit spørgsmål, så "
        "Spreds administratorer kan se, at der mangler en løsning.",
        "I do not know of a solution for “{question}” yet. I have saved your question so that "
        "Spred's administrators can see a solution is missing.",
    ),
    "notify_me": ("Giv mig besked, når der kommer en", "Tell me when there is one"),
    "will_notify": (
        "Det gør jeg. Du får én besked, når der kommer en løsning, der passer til dit spørgsmål.",
        "I will. You'll get one message when a solution that fits your question is added.",
    ),
    "near_tie_unexplained": (
        "Ingen af dem nævner {words}. Mente du “{first}” eller “{second}” – eller ingen af dem?",
        "Neither mentions {words}. Did you mean “{first}” or “{second}” – or neither?",
    ),
    "near_tie": (
        "Mente du “{first}” eller “{second}” – eller ingen af dem?",
        "Did you mean “{first}” or “{second}” – or neither?",
    ),
    "none_of_these": ("Ingen af dem", "Neither"),
    "why": ("Nævner: {words}", "Mentions: {words}"),
    "adopters": ("Prøves eller bruges af: {names}", "Tried or used by: {names}"),
    # --- card labels and statuses
    "status_pilot": ("pilot", "pilot"),
    "status_proven": ("afprøvet", "proven"),
    "status_scaled": ("udbredt", "widely used"),
    "label_problem": ("Problem", "Problem"),
    "label_conditions": ("Det krævede", "What it took"),
    "label_how": ("Sådan virker den", "How it works"),
    "label_results": ("Resultater", "Results"),
    "label_contact": ("Kontaktperson", "Contact person"),
    "label_contacts": ("Kontaktpersoner", "Contact people"),
    "label_sponsors": ("Støttet af", "Backed by"),
    "label_adopters": ("Prøves eller bruges af", "Tried or used by"),
    "label_id": ("Løsningens id", "Solution id"),
    # --- actions
    "act_details": ("Mere om løsningen", "More about this solution"),
    "act_page": ("Se den på nettet", "See it on the web"),
    "act_contact": ("Kontakt {name}", "Contact {name}"),
    "act_try": ("Vi prøver den", "We're trying it"),
    "act_use": ("Vi bruger den nu", "We're using it"),
    "act_who_uses": ("Hvem bruger den?", "Who uses it?"),
    "act_more": ("Vis flere", "Show more"),
    "act_not_helpful": ("Hjalp ikke", "Did not help"),
    "act_publish": ("Udgiv", "Publish"),
    "act_cancel": ("Annullér", "Cancel"),
    # --- connect
    "introduced": (
        "Du kan skrive til {name}{role} i {organization} på {email}.{direct}",
        "You can contact {name}{role} ({organization}) at {email}.{direct}",
    ),
    "introduced_no_email": (
        "{name}{role} i {organization} har ikke oplyst nogen e-mail.{direct}",
        "{name}{role} ({organization}) has not given an email address.{direct}",
    ),
    "introduced_no_way": (
        "Jeg har ingen e-mail på {name}{role} i {organization} og kan ikke give besked "
        "herfra. Spørg den, der står for Spred hos jer.",
        "I have no email address for {name}{role} ({organization}) and cannot message them "
        "from here. Please ask the person who looks after Spred in your organisation.",
    ),
    "introduced_direct": (
        " Jeg har også givet {name} besked om, at du gerne vil høre om “{title}”.",
        " I have also let {name} know that you would like to hear about “{title}”.",
    ),
    "introduced_email_only": (
        " Jeg kan ikke give {name} besked herfra, så skriv selv en mail.",
        " I cannot message {name} from here, so please send an email.",
    ),
    "introduction_notice": (
        "{asker}{origin} har fundet jeres løsning “{title}” via Spred og vil gerne høre mere "
        "om den.",
        "{asker}{origin} found your solution “{title}” through Spred and would like to hear "
        "more about it.",
    ),
    # Appended when what the person did scheduled a prompt to their manager.
    "manager_told": (
        " Din leder får også en kort besked om løsningen.",
        " Your manager will also get a short message about the solution.",
    ),
    "manager_told_group": (
        "Flere i din enhed har læst mere om “{title}”, så din leder får en kort besked om den.",
        "Several people in your unit have read more about “{title}”, so your manager will get "
        "a short message about it.",
    ),
    # --- adopt
    "ask_organization": (
        "Hvor arbejder du? Skriv organisation og enhed, fx: Aarhus Kommune, Hjemmeplejen Nord",
        "Where do you work? Type your organisation and unit, e.g.: Aarhus Municipality, Home "
        "Care North",
    ),
    "organization_empty": (
        "Skriv din organisation og evt. din enhed efter et komma, fx: Aarhus Kommune, "
        "Hjemmeplejen Nord (højst 200 tegn).",
        "Type your organisation, and your unit after a comma if you like, e.g.: Aarhus "
        "Municipality, Home Care North (at most 200 characters).",
    ),
    # Labels, for lists only ("• Aarhus Kommune – prøver den (Bo Berg)").
    "stage_interested": ("interesseret", "interested"),
    "stage_piloting": ("prøver den", "trying it"),
    "stage_adopted": ("bruger den", "using it"),
    # A unit in its organisation, inside a sentence (a list writes "organisation, enhed").
    "place": ("{unit} i {organization}", "{unit} at {organization}"),
    "adopted_interested": (
        "Noteret: {organization} er interesseret i “{title}”. Tak! Nu kan andre se det og "
        "spørge dig.{told}",
        "Noted: {organization} is interested in “{title}”. Thank you! Others can now see this "
        "and ask you about it.{told}",
    ),
    "adopted_piloting": (
        "Noteret: {organization} prøver nu “{title}”. Tak! Nu kan andre se, at I prøver den, "
        "og spørge dig.{told}",
        "Noted: {organization} is now trying “{title}”. Thank you! Others can now see that "
        "you are trying it and ask you about it.{told}",
    ),
    "adopted_adopted": (
        "Noteret: {organization} bruger nu “{title}”. Tak! Nu kan andre se, at I bruger den, "
        "og spørge dig.{told}",
        "Noted: {organization} now uses “{title}”. Thank you! Others can now see that you use "
        "it and ask you about it.{told}",
    ),
    "adopted_told": (" Jeg har også givet {names} besked.", " I have also let {names} know."),
    "adoption_already_interested": (
        "Du har allerede meldt, at {organization} er interesseret i “{title}”.",
        "You have already reported that {organization} is interested in “{title}”.",
    ),
    "adoption_already_piloting": (
        "Du har allerede meldt, at {organization} prøver “{title}”.",
        "You have already reported that {organization} is trying “{title}”.",
    ),
    "adoption_already_adopted": (
        "Du har allerede meldt, at {organization} bruger “{title}”.",
        "You have already reported that {organization} uses “{title}”.",
    ),
    "adoption_notice_interested": (
        "{user} fra {organization} har meldt, at de er interesseret i jeres løsning “{title}”.",
        "{user} from {organization} reported that they are interested in your solution “{title}”.",
    ),
    "adoption_notice_piloting": (
        "Godt nyt: {user} fra {organization} har meldt, at de er begyndt at prøve jeres "
        "løsning “{title}”. Sådan spreder gode løsninger sig.",
        "Good news: {user} from {organization} reported that they have started trying your "
        "solution “{title}”. This is how good solutions spread.",
    ),
    "adoption_notice_adopted": (
        "Godt nyt: {user} fra {organization} har meldt, at de nu bruger jeres løsning "
        "“{title}”. Sådan spreder gode løsninger sig.",
        "Good news: {user} from {organization} reported that they now use your solution "
        "“{title}”. This is how good solutions spread.",
    ),
    # --- who uses
    "who_uses": (
        "Disse har meldt, at de prøver eller bruger “{title}” – spørg dem gerne:",
        "These have reported trying or using “{title}” – feel free to ask them:",
    ),
    "who_uses_none": (
        "Ingen har endnu meldt, at de prøver eller bruger “{title}”. Spørg {contact}, der står "
        "bag den.",
        "Nobody has reported trying or using “{title}” yet. Ask {contact}, who is behind it.",
    ),
    "who_uses_unknown": (
        "Jeg kan ikke finde en løsning, der passer til “{text}”. Prøv fx: hvem bruger hurtig "
        "opstart i hjemmeplejen",
        "I cannot find a solution that fits “{text}”. Try e.g.: who uses quick start in home care",
    ),
    "adopter_line": (
        "• {organization}{unit} – {stage}{user}",
        "• {organization}{unit} – {stage}{user}",
    ),
    # --- feedback
    "thanks_feedback": (
        "Tak! Det hjælper med at gøre svarene bedre.",
        "Thank you! That helps make the answers better.",
    ),
    "not_helpful": (
        "Tak for svaret. Jeg har gemt “{question}” som et spørgsmål, der mangler en god "
        "løsning, så Spreds administratorer kan se det.",
        "Thank you for telling me. I have saved “{question}” as a question that still lacks a "
        "good solution, so that Spred's administrators can see it.",
    ),
    "thanks_choice": (
        "Tak – det husker jeg, næste gang nogen spørger på samme måde.",
        "Thanks – I'll remember that the next time someone asks the same way.",
    ),
    # --- demand answered
    "demand_answered": (
        "Du spurgte om “{question}”. Nu er der en løsning, der passer:",
        "You asked about “{question}”. There is now a solution that fits:",
    ),
    # --- stale or bad buttons
    "internal_error": (
        "Beklager, noget gik galt hos mig. Prøv igen om lidt. Virker det stadig ikke, så sig "
        "det til den, der står for Spred hos jer.",
        "Sorry, something went wrong on my side. Please try again in a moment. If it still "
        "does not work, tell the person who looks after Spred in your organisation.",
    ),
    "unknown_action": (
        "Den knap virker ikke længere (den er måske fra en ældre besked). Stil dit spørgsmål igen.",
        "That button no longer works (it may be from an older message). Please ask your "
        "question again.",
    ),
    "solution_gone": (
        "Den løsning findes ikke længere i Spred. Stil dit spørgsmål igen for at se de "
        "aktuelle løsninger.",
        "That solution is no longer in Spred. Ask your question again to see the current ones.",
    ),
    "solution_retired": (
        "“{title}” er trukket tilbage og vises ikke længere. Stil dit spørgsmål igen for at se "
        "de aktuelle løsninger.",
        "“{title}” has been retired and is no longer shown. Ask your question again to see the "
        "current ones.",
    ),
    # --- admin
    "not_admin": (
        "Det er kun Spreds administratorer, der kan det. Kender du en løsning, der bør være "
        "med, så sig det til den, der står for Spred hos jer.",
        "Only Spred's administrators can do that. If you know a solution that should be "
        "included, tell the person who looks after Spred in your organisation.",
    ),
    "add_start": (
        "Lad os tilføje en løsning. Jeg stiller {count} korte spørgsmål, ét ad gangen. Skriv "
        "“-” for at springe et valgfrit spørgsmål over og “annullér” for at stoppe.",
        "Let's add a solution. I'll ask {count} short questions, one at a time. Type “-” to "
        "skip an optional question, or “cancel” to stop.",
    ),
    "optional": ("(valgfrit – skriv “-” for at springe over)", "(optional – type “-” to skip)"),
    # Before and after are each optional, but not both: a solution needs a measured figure.
    "optional_figure": (
        "(skriv “-”, hvis det ikke blev målt – men mindst ét af tallene før og efter skal med)",
        "(type “-” if it was not measured – but at least one of the figures before and after "
        "is needed)",
    ),
    "figure_required": (
        "(skal udfyldes, da der ikke er et tal før)",
        "(required, as there is no figure before)",
    ),
    "figure_hint": (
        "Mindst ét af tallene før og efter skal med.",
        "At least one of the figures before and after is needed.",
    ),
    "need_number_form": (
        "Skriv mindst ét tal – før eller efter.",
        "Enter at least one figure – before or after.",
    ),
    "field_required": ("Det felt skal udfyldes.", "This field is required."),
    "field_invalid": ("Det kan jeg ikke bruge: {problem}", "I cannot use that: {problem}"),
    "field_number": (
        "Skriv et tal, fx 12 eller 12,5 – eller “-”, hvis det ikke blev målt.",
        "Type a number, e.g. 12 or 12.5 – or “-” if it was not measured.",
    ),
    "field_number_too_big": (
        "Det tal er for stort. Skriv et mindre tal.",
        "That number is too large. Please type a smaller one.",
    ),
    "field_too_many": (
        "Der er plads til højst {limit}. Du skrev {count}.",
        "There is room for at most {limit}. You typed {count}.",
    ),
    "field_one_line": (
        "Skriv det på én linje, uden specialtegn.",
        "Please write it on one line, without special characters.",
    ),
    "field_no_control": (
        "Teksten indeholder tegn, jeg ikke kan gemme. Skriv den igen uden specialtegn.",
        "The text contains characters I cannot save. Please type it again without special "
        "characters.",
    ),
    "field_status": ("Skriv pilot, afprøvet eller udbredt.", "Type pilot, proven or widely used."),
    "field_email": (
        "Skriv en e-mailadresse, fx navn@kommune.dk.",
        "Type an email address, e.g. name@example.org.",
    ),
    "field_too_long": (
        "Det er {length} tegn. Der er plads til højst {limit}.",
        "That is {length} characters; the limit is {limit}.",
    ),
    "need_number": (
        "Der skal være mindst ét tal – før eller efter. Spred viser kun løsninger med målte "
        "resultater. Hvad var tallet før?",
        "At least one figure is needed – before or after. Spred only shows solutions with "
        "measured results. What was the figure before?",
    ),
    "preview": (
        "Sådan kommer løsningen til at se ud. Skal den udgives? Tryk “Udgiv” eller “Annullér”.",
        "This is how the solution will look. Publish it? Press “Publish” or “Cancel”.",
    ),
    "nothing_to_publish": (
        "Der er ingen kladde at udgive (den er udgivet, annulleret eller udløbet). Skriv "
        "“tilføj” for at begynde forfra.",
        "There is no draft to publish (it was published, cancelled or has expired). Type “add” "
        "to start again.",
    ),
    "published": (
        "“{title}” er udgivet (id: {id}). Den næste, der spørger, kan finde den.",
        "“{title}” is published (id: {id}). The next person who asks can find it.",
    ),
    "publish_failed": (
        "Løsningen kunne ikke gemmes, så intet er udgivet. Prøv igen om lidt. (Teknisk "
        "årsag: {problem})",
        "The solution could not be saved, so nothing was published. Please try again shortly. "
        "(Technical reason: {problem})",
    ),
    "draft_invalid": (
        "Løsningen mangler noget, før den kan udgives:\n{problems}",
        "The solution is missing something before it can be published:\n{problems}",
    ),
    "edit_usage": (
        "Skriv: ret <id> <felt>. Felterne hedder: {fields}",
        "Type: edit <id> <field>. The fields are: {fields}",
    ),
    "edit_no_solution": (
        "Der er ingen løsning med id “{id}”. Du finder id'et nederst, når du trykker “Mere om "
        "løsningen” på en løsning.",
        "There is no solution with id “{id}”. You will find the id at the bottom when you "
        "press “More about this solution” on a solution.",
    ),
    "edit_prompt": (
        "Nuværende {field}: {value}\nSkriv den nye tekst, eller skriv “annullér”.",
        "Current {field}: {value}\nType the new value, or type “cancel”.",
    ),
    "edited": ("“{title}” er opdateret ({field}).", "“{title}” has been updated ({field})."),
    "confirmed_now": (
        "Tak! Resultaterne i “{title}” er bekræftet i dag, og det står nu ved løsningen.",
        "Thank you! The results of “{title}” are confirmed as of today, and the solution now "
        "says so.",
    ),
    "confirm_not_owner": (
        "Det er {owner}, der står for tallene i “{title}”, så det er kun {owner} (eller en "
        "administrator), der kan bekræfte dem.",
        "{owner} answers for the figures of “{title}”, so only {owner} (or an administrator) "
        "can confirm them.",
    ),
    "confirm_retired": (
        "“{title}” er trukket tilbage og bruges ikke længere, så der er intet at bekræfte.",
        "“{title}” has been retired and is no longer used, so there is nothing to confirm.",
    ),
    "undone": (
        "“{title}” er som før den seneste ændring. Skriv “fortryd {id}” igen for at fortryde det.",
        "“{title}” is as it was before its latest change. Write “undo {id}” again to undo that.",
    ),
    "undo_nothing": (
        "“{title}” er ikke ændret, siden den blev gemt første gang, så der er intet at fortryde. "
        "Skriv “fjern {id}” for at skjule den i svarene.",
        "“{title}” has not changed since it was first stored, so there is nothing to undo. "
        "Write “retire {id}” to hide it from answers.",
    ),
    "retired": (
        "“{title}” er trukket tilbage. Den vises ikke længere i svar, men er ikke slettet og "
        "kommer stadig med i eksporten.",
        "“{title}” has been retired. It is no longer shown in answers, but it is not deleted "
        "and is still included in exports.",
    ),
    "demand_list": (
        "Spørgsmål uden en god løsning, de hyppigste først:",
        "Questions without a good solution, most asked first:",
    ),
    "demand_none": (
        "Der er ingen ubesvarede spørgsmål lige nu.",
        "There are no unanswered questions right now.",
    ),
    "demand_line": ("• {count}× {question}", "• {count}× {question}"),
    "demand_near_miss": (
        " (kun besvaret af løsninger, der ikke rammer det)",
        " (answered only by near misses)",
    ),
    "feedback_list": (
        "Feedback: {helpful} hjalp, {unhelpful} hjalp ikke. Seneste:",
        "Feedback: {helpful} helped, {unhelpful} did not help. Latest:",
    ),
    "feedback_none": ("Ingen feedback endnu.", "No feedback yet."),
    "feedback_line": ("• {mark} {question} → {title}", "• {mark} {question} → {title}"),
    "form_add_title": ("Tilføj en løsning", "Add a solution"),
    "form_submit": ("Se forhåndsvisning", "Preview"),
    "form_outdated": (
        "Formularen er fra en ældre udgave af Spred og mangler felter. Kopiér det, du har "
        "skrevet, luk den og åbn den igen.",
        "The form is from an older version of Spred and lacks fields. Copy what you wrote, "
        "close it and open it again.",
    ),
    "form_unreadable": (
        "Formularen kom ikke med sine felter (den er måske fra en ældre udgave af Spred). Åbn "
        "den igen og udfyld den – intet er gemt.",
        "The form came without its fields (it may be from an older version of Spred). Open it "
        "again and fill it in – nothing was saved.",
    ),
    # --- sharing a solution (bot/flows/share.py) and reviewing it (bot/flows/review.py)
    "act_share": ("Del vores løsning", "Share our solution"),
    "form_share_title": ("Del jeres løsning", "Share your solution"),  # 24 characters at most
    "form_own_email": (
        "Kan stå tom, hvis kontaktpersonen er dig: kolleger når dig så gennem Spred.",
        "May stay empty if the contact is you: colleagues then reach you through Spred.",
    ),
    "share_own_organisation": (
        "Du deler fra {own}, så løsningen deles i {own}s navn. Skriv {own} eller lad feltet "
        "stå tomt.",
        "You share from {own}, so the solution is shared in {own}'s name. Write {own} or "
        "leave the field empty.",
    ),
    "share_sent_already": (
        "Du har allerede sendt “{title}”, og den venter på en redaktør. Du får besked, når den "
        "er set igennem.",
        "You have sent “{title}” already, and it is waiting for an editor. You will hear when "
        "it has been reviewed.",
    ),
    "share_start": (
        "Godt – lad os dele jeres løsning. Jeg stiller {count} korte spørgsmål, ét ad gangen. "
        "Skriv “-” for at springe et valgfrit spørgsmål over og “annullér” for at stoppe. En "
        "redaktør ser den igennem, før andre kan finde den.",
        "Great – let's share your solution. I'll ask {count} short questions, one at a time. "
        "Type “-” to skip an optional question, or “cancel” to stop. An editor looks it over "
        "before others can find it.",
    ),
    "share_prefilled": (
        "Beskeden står som resumé: “{text}”. Du kan rette den, når du ser kladden (skriv "
        "“resumé”).",
        "The message is the summary: “{text}”. You can change it when you see the draft (type "
        "“summary”).",
    ),
    "contact_self": (
        "Skriv “-”, hvis det er dig ({name}).",
        "Type “-” if it is you ({name}).",
    ),
    "share_preview": (
        "Sådan kommer løsningen til at se ud. Tryk “Indsend”, eller skriv navnet på et felt "
        "for at rette det (fx titel, resultat, efter, kilde, betingelser).",
        "This is how the solution will look. Press “Submit”, or type the name of a field to "
        "change it (e.g. title, metric, after, source, conditions).",
    ),
    "share_same": (
        "Er det den samme som “{title}” fra {organization}? Så meld jer som brugere i stedet.",
        "Is it the same as “{title}” from {organization}? Then report that you use it instead.",
    ),
    "act_same": ("Det er den samme – vi bruger den", "It is the same – we use it"),
    "act_submit": ("Indsend", "Submit"),
    "share_fix": ("Skriv den nye værdi for {field}.", "Type the new value for {field}."),
    "share_sent": (
        "Tak! “{title}” er sendt til en redaktør. Du får besked, når den er udgivet – eller hvis "
        "redaktøren har spørgsmål.",
        "Thank you! “{title}” has gone to an editor. You will hear when it is published – or if "
        "the editor has questions.",
    ),
    "nothing_to_submit": (
        "Der er ingen kladde at indsende (den er sendt, annulleret eller udløbet). Skriv “del "
        "en løsning” for at begynde forfra.",
        "There is no draft to submit (it was sent, cancelled or has expired). Type “share a "
        "solution” to start again.",
    ),
    "share_reopened": (
        "Redaktøren bad om ændringer: “{note}”",
        "The editor asked for changes: “{note}”",
    ),
    "submission_gone": (
        "Den indsendte løsning findes ikke længere.",
        "That submitted solution no longer exists.",
    ),
    "submission_not_open": (
        "Den indsendte løsning kan ikke rettes nu: den er allerede sendt igen eller afgjort.",
        "That submitted solution cannot be changed now: it was sent again or decided already.",
    ),
    "submission_not_yours": (
        "“{title}” er delt fra en anden organisation. Dens egne administratorer ser den igennem.",
        "“{title}” was shared from another organisation. Its own administrators review it.",
    ),
    "submission_decided": (
        "“{title}” er allerede afgjort: {outcome}.",
        "“{title}” has been decided already: {outcome}.",
    ),
    "outcome_published": ("udgivet", "published"),
    "outcome_changes": ("sendt tilbage med ønsker om ændringer", "sent back for changes"),
    "outcome_rejected": ("afvist", "rejected"),
    "outcome_waiting": ("venter", "waiting"),
    "outcome_gone": ("slettet", "deleted"),
    "submissions_none": (
        "Der venter ingen indsendte løsninger på dig.",
        "No submitted solutions are waiting for you.",
    ),
    "submissions_list": (
        "{count} indsendte løsninger venter (de ældste først):",
        "{count} submitted solutions are waiting (oldest first):",
    ),
    "submission_line": (
        "“{title}”, delt af {sharer} for {days} dage siden",
        "“{title}”, shared by {sharer} {days} days ago",
    ),
    "act_review_publish": ("Udgiv", "Publish"),
    "act_review_changes": ("Bed om ændringer", "Ask for changes"),
    "act_review_reject": ("Afvis", "Reject"),
    "review_published": (
        "“{title}” er udgivet (id: {id}). Den, der delte den, får besked.",
        "“{title}” is published (id: {id}). The person who shared it is told.",
    ),
    "review_ask_changes": (
        "Hvad skal ændres i “{title}”? Skriv en note – den, der delte den, får den og kan rette "
        "og sende igen.",
        "What should change in “{title}”? Write a note – the person who shared it gets it and "
        "can edit and send it again.",
    ),
    "review_ask_reason": (
        "Hvorfor afviser du “{title}”? Skriv en kort begrundelse til den, der delte den.",
        "Why do you reject “{title}”? Write a short reason for the person who shared it.",
    ),
    "review_note_invalid": (
        "Skriv en note på højst {limit} tegn, uden specialtegn.",
        "Write a note of at most {limit} characters, without special characters.",
    ),
    "review_sent_back": (
        "“{title}” er sendt tilbage med din note.",
        "“{title}” was sent back with your note.",
    ),
    "review_rejected": (
        "“{title}” er afvist, og den, der delte den, har fået din begrundelse.",
        "“{title}” is rejected, and the person who shared it got your reason.",
    ),
    "share_published": (
        "Din løsning “{title}” er udgivet. Tak fordi du delte den – nu kan andre finde den.",
        "Your solution “{title}” is published. Thank you for sharing it – others can find it now.",
    ),
    "share_changes": (
        "En redaktør bad om ændringer i din løsning “{title}”: “{note}”",
        "An editor asked for changes to your solution “{title}”: “{note}”",
    ),
    "act_share_reopen": ("Ret og send igen", "Edit and send again"),
    "share_rejected": (
        "En redaktør har afvist din løsning “{title}”. Begrundelse: “{note}”",
        "An editor rejected your solution “{title}”. Reason: “{note}”",
    ),
    "submissions_waiting": (
        "{count} nye indsendte løsninger venter på dig.",
        "{count} newly submitted solutions are waiting for you.",
    ),
    "act_submissions": ("Se de indsendte", "See the submissions"),
    "expired_sharing": (
        "Du har ikke svaret i en halv time, så jeg har stoppet delingen. Skriv “del en "
        "løsning” for at begynde forfra.",
        "You haven't answered for half an hour, so I stopped the sharing. Type “share a "
        "solution” to start again.",
    ),
    "expired_share_check": (
        "Din kladde blev ikke sendt inden for en halv time og er derfor ikke gemt. Skriv “del "
        "en løsning” for at begynde forfra.",
        "Your draft was not sent within half an hour and so was not kept. Type “share a "
        "solution” to start again.",
    ),
    "expired_share_fixing": (
        "Du har ikke svaret i en halv time, så jeg har stoppet delingen. Skriv “del en "
        "løsning” for at begynde forfra.",
        "You haven't answered for half an hour, so I stopped the sharing. Type “share a "
        "solution” to start again.",
    ),
    "expired_review_note": (
        "Du skrev ingen note i en halv time, så intet er afgjort. Skriv “indsendte” for at se "
        "dem igen.",
        "You wrote no note for half an hour, so nothing was decided. Type “submissions” to see "
        "them again.",
    ),
    # --- colleagues across organisations: the introduction and talking through Spred
    "act_relay_reply": ("Svar", "Reply"),
    "act_relay_decline": ("Ikke nu", "Not now"),
    "act_relay_end": ("Afslut samtalen", "End the conversation"),
    "expired_relaying": (
        "Du har ikke skrevet i samtalen i en halv time, så jeg sender ikke længere det, du "
        "skriver, videre. Tryk Svar på den seneste besked for at skrive igen.",
        "You haven't written in the conversation for half an hour, so I no longer pass on "
        "what you write. Press Reply on the latest message to write again.",
    ),
    "introduced_relay": (
        " Svarer {name}, kan I få en snak her gennem Spred.",
        " If {name} replies, the two of you can talk here through Spred.",
    ),
    "introduced_question": (
        " Dit seneste spørgsmål stod i beskeden.",
        " Your latest question was in the message.",
    ),
    "introduction_question": (
        " Spørgsmålet var: “{question}”.",
        " The question was: “{question}”.",
    ),
    "introduction_relay": (
        "\nTryk Svar for at skrive sammen her gennem Spred, eller Ikke nu, hvis det ikke passer.",
        "\nPress Reply to write to each other here through Spred, or Not now if it doesn't "
        "suit you.",
    ),
    "relay_accepted": (
        "{who} vil gerne skrive med dig. Tryk Svar, og skriv din besked: jeg sender den videre.",
        "{who} would like to write with you. Press Reply and write your message: I'll pass it on.",
    ),
    "relay_joined": (
        "Skriv din besked her, så sender jeg den til {name}. Skriv afslut, når I er færdige.",
        "Write your message here and I'll send it to {name}. Write end when you're done.",
    ),
    "relay_not_yet": (
        "{name} har ikke svaret endnu. Du får besked, når det sker.",
        "{name} hasn't replied yet. You'll hear from me when they do.",
    ),
    "relay_message": ("{who} skriver:", "{who} writes:"),
    "relay_message_shortened": (
        "{who} skriver (beskeden var for lang, så kun begyndelsen er med):",
        "{who} writes (the message was too long, so only the beginning is included):",
    ),
    "relay_sent": ("Sendt til {name}.", "Sent to {name}."),
    "relay_sent_shortened": (
        "Beskeden var for lang, så kun de første {limit} tegn er sendt til {name}.",
        "The message was too long, so only the first {limit} characters were sent to {name}.",
    ),
    "relay_empty": ("Der var ingen tekst at sende videre.", "There was no text to pass on."),
    "relay_over": (
        "Samtalen er afsluttet, så der sker ikke mere her.",
        "The conversation has ended, so nothing more happens here.",
    ),
    "relay_over_not_sent": (
        "Samtalen er afsluttet, så din besked er ikke sendt videre.",
        "The conversation has ended, so your message was not passed on.",
    ),
    "relay_gone": ("Den samtale findes ikke længere.", "That conversation no longer exists."),
    "relay_none": (
        "Du er ikke i gang med en samtale gennem Spred.",
        "You're not in a conversation through Spred.",
    ),
    "relay_ended": (
        "Samtalen med {name} er afsluttet. Der bliver ikke sendt flere beskeder videre.",
        "The conversation with {name} has ended. No more messages will be passed on.",
    ),
    "relay_ended_notice": (
        "{who} har afsluttet samtalen. Der bliver ikke sendt flere beskeder videre.",
        "{who} has ended the conversation. No more messages will be passed on.",
    ),
    "relay_declined": (
        "Det er helt i orden. Jeg har sagt til {name}, at det ikke passer lige nu.",
        "That's fine. I've told {name} it doesn't suit you right now.",
    ),
    "relay_declined_before": (
        "Du har allerede svaret Ikke nu, og det har jeg sagt videre.",
        "You have already answered Not now, and I've passed that on.",
    ),
    "relay_declined_notice": (
        "{name} har ikke mulighed for at skrive lige nu.",
        "{name} can't write right now.",
    ),
    "relay_declined_email": (
        " Du kan skrive til {name} på {email}.",
        " You can write to {name} at {email}.",
    ),
    "relay_already_open": (
        "I er allerede i gang med at skrive sammen. Skriv afslut, når I er færdige.",
        "You're already writing to each other. Write end when you're done.",
    ),
    "relay_unreachable": (
        "Jeg kan ikke længere nå {name} gennem Spred, så samtalen er afsluttet, og intet er "
        "sendt videre.",
        "I can no longer reach {name} through Spred, so the conversation has ended and "
        "nothing was passed on.",
    ),
    # --- Slack: the pages of an install (adapters/slack/oauth.py)
    "slack_install_title": ("Føj Spred til jeres Slack", "Add Spred to your Slack"),
    "slack_install_intro": (
        "Spred finder afprøvede løsninger fra andre offentlige organisationer – med målte "
        "resultater og kollegaen, der står bag. Når Spred er føjet til jeres Slack, kan alle "
        "i arbejdsområdet spørge i en direkte besked eller med /spred.",
        "Spred finds proven solutions from other public organisations – with measured "
        "results and the colleague behind them. Once Spred is in your Slack, everyone in the "
        "workspace can ask in a direct message or with /spred.",
    ),
    "slack_install_button": ("Føj til Slack", "Add to Slack"),
    "slack_installed_title": ("Spred er nu i {team}", "Spred is now in {team}"),
    "slack_installed_next": (
        "Sådan kommer I i gang: Skriv til Spred i en direkte besked, eller skriv /spred og "
        "dit spørgsmål. Du, der føjede Spred til, er administrator for jeres organisation i "
        "Spred. Du kan lukke denne side.",
        "How to start: write to Spred in a direct message, or type /spred and your "
        "question. You added Spred, so you are your organisation's administrator in Spred. "
        "You can close this page.",
    ),
    "slack_install_failed_title": (
        "Spred blev ikke føjet til Slack",
        "Spred was not added to Slack",
    ),
    "slack_install_failed_state": (
        "Linket er for gammelt, allerede brugt eller åbnet i en anden browser end den, du "
        "startede i. Start forfra herfra.",
        "The link is too old, already used, or opened in another browser than the one you "
        "started in. Start again from here.",
    ),
    "slack_install_failed_refused": (
        "Slack godkendte ikke installationen. Start forfra. Sker det igen, så kontakt dem, "
        "der driver Spred.",
        "Slack did not approve the installation. Start again; if this keeps happening, "
        "contact the people who run Spred.",
    ),
    "slack_install_failed_cancelled": (
        "Installationen blev afbrudt i Slack. Du kan starte forfra, når du vil.",
        "The installation was cancelled in Slack. You can start again whenever you like.",
    ),
    "slack_install_failed_stored": (
        "Spred kunne ikke gemme installationen lige nu. Prøv igen om lidt.",
        "Spred could not save the installation just now. Please try again shortly.",
    ),
    "slack_install_again": ("Start forfra", "Start again"),
    # --- an organisation's own admins (bot/roles.py, bot/flows/org_admin.py)
    "help_local_admin": (
        "Du er lokal administrator for {organisation}. Du kan tilføje, rette og fjerne "
        "jeres egne løsninger, sætte ledere for jeres egne folk og se jeres egne spørgsmål "
        "og feedback.\n"
        "• påmindelser til ledere – hvad jeres ledere har fået påmindelser om\n"
        "• lokale admins – hvem der er lokale administratorer hos jer\n"
        "• lokal admin <id eller navn> – gør en kollega til lokal administrator\n"
        "• fjern lokal admin <id eller navn> – fjern en lokal administrator",
        "You are a local administrator for {organisation}. You can add, edit and retire your "
        "own organisation's solutions, set managers for your own people, and see your own "
        "questions and feedback.\n"
        "• manager prompts – what your managers were prompted about\n"
        "• local admins – who the local administrators are here\n"
        "• local admin <id or name> – make a colleague a local administrator\n"
        "• remove local admin <id or name> – remove a local administrator",
    ),
    "help_global_admin_here": (
        "• påmindelser til ledere – hvad lederne har fået påmindelser om\n"
        "• lokale admins, lokal admin <id eller navn>, fjern lokal admin <id eller navn> – "
        "lokale administratorer for den organisation, du skriver fra",
        "• manager prompts – what managers were prompted about\n"
        "• local admins, local admin <id or name>, remove local admin <id or name> – local "
        "administrators of the organisation you are writing from",
    ),
    "organisation_unnamed": (
        "Jeres organisation har ikke fået et navn i Spred endnu, så jeg kan ikke se, hvilke "
        "løsninger og personer der er jeres. Bed den, der driver Spred, om at give den et "
        "navn (spred orgs rename).",
        "Your organisation has no name in Spred yet, so I cannot tell which solutions and "
        "people are yours. Ask whoever runs Spred to give it one (spred orgs rename).",
    ),
    "not_your_solution": (
        "“{title}” er fra {organization}. Du kan kun ændre løsninger fra {own}.",
        "“{title}” is from {organization}. You can only change solutions from {own}.",
    ),
    "keeps_organisation": (
        "Løsningen skal blive hos {own}: du kan ikke give den til en anden organisation. "
        "Skriv en ny værdi, eller skriv “annullér”.",
        "The solution has to stay with {own}: you cannot hand it to another organisation. "
        "Type another value, or type “cancel”.",
    ),
    "not_your_person": (
        "Jeg kan ikke finde “{name}” blandt folkene i {own}. Du kan kun sætte ledere for "
        "jeres egne folk.",
        "I cannot find “{name}” among the people of {own}. You can only set managers for "
        "your own people.",
    ),
    "local_admin_no_organisation": (
        "Lokale administratorer hører til et Slack-arbejdsområde eller en Teams-organisation. "
        "Skriv til mig derfra.",
        "Local administrators belong to a Slack workspace or a Teams organisation. Write to "
        "me from there.",
    ),
    "local_admins_none": (
        "Der er ingen lokale administratorer her endnu.",
        "There are no local administrators here yet.",
    ),
    "local_admins_list": (
        "Lokale administratorer for {organisation}:",
        "Local administrators for {organisation}:",
    ),
    "local_admin_named": (
        "{who} er nu lokal administrator. Skriv “fjern lokal admin” og id'et for at fortryde.",
        "{who} is now a local administrator. Type “remove local admin” and the id to undo it.",
    ),
    "local_admin_already": (
        "{who} er allerede lokal administrator.",
        "{who} is already a local administrator.",
    ),
    "local_admin_removed": (
        "{who} er ikke længere lokal administrator.",
        "{who} is no longer a local administrator.",
    ),
    "local_admin_not_one": (
        "{who} er ikke lokal administrator her.",
        "{who} is not a local administrator here.",
    ),
    "local_admin_last": (
        "{who} er den sidste lokale administrator, så jeg lader vedkommende blive. Gør en "
        "anden til lokal administrator først.",
        "{who} is the last local administrator, so I am keeping them. Make someone else a "
        "local administrator first.",
    ),
    "local_admin_no_id": (
        "{who} står i personkartoteket, men uden et id her. Skriv id'et i stedet – i Slack "
        "finder du det under Profil → ⋮ → Kopiér medlems-id.",
        "{who} is in the people directory, but without an id here. Type the id instead – in "
        "Slack it is under Profile → ⋮ → Copy member ID.",
    ),
    "local_admin_other_platform": (
        "“{who}” er et id fra en anden platform end jeres. Skriv kollegaens id her.",
        "“{who}” is an id from another platform than yours. Type your colleague's id here.",
    ),
    "local_admin_unknown": (
        "Jeg kender ikke “{who}”. Skriv kollegaens id (i Slack: Profil → ⋮ → Kopiér medlems-id) "
        "eller navnet, som det står i jeres personkartotek.",
        "I do not know “{who}”. Type your colleague's id (in Slack: Profile → ⋮ → Copy member "
        "ID) or their name as your people directory has it.",
    ),
    "prompts_list": (
        "Påmindelser til ledere, de nyeste først:",
        "Prompts to managers, latest first:",
    ),
    "prompts_none": (
        "Ingen ledere har fået påmindelser endnu.",
        "No manager has been prompted yet.",
    ),
    "prompt_line": ("• {manager}: “{title}” ({state})", "• {manager}: “{title}” ({state})"),
    "prompt_waiting": ("venter på at blive sendt", "waiting to be sent"),
    "prompt_sent": ("sendt, ikke besvaret", "sent, not answered"),
    "prompt_answered": ("besvaret", "answered"),
    # --- Teams: a tenant SPRED_TEAMS_TENANTS does not list
    "teams_tenant_refused": (
        "Denne Spred er ikke sat op til jeres organisation, så jeg kan ikke svare her. "
        "Spørg jeres it-afdeling: de kan bede dem, der driver Spred, om at åbne for jer.",
        "This Spred is not set up for your organisation, so I cannot answer here. Ask your "
        "IT department: they can ask the people who run Spred to open it to you.",
    ),
    # --- a person's own data (bot/flows/privacy.py, bot/consent.py)
    "someone_in_unit": ("en i din enhed", "someone in your unit"),
    "people_in_unit": ("{count} personer i din enhed", "{count} people in your unit"),
    "ask_name_ok": (
        "Må din leder se dit navn i den slags beskeder? Hvis du siger nej eller ikke svarer, "
        "står der bare “en i din enhed”. Handler løsningen om sygefravær eller stress, "
        "nævner jeg aldrig dit navn.",
        "May your manager see your name in messages like this? If you say no, or do not "
        "answer, it just says “someone in your unit”. If the solution is about sick leave "
        "or stress, I never give your name.",
    ),
    "act_name_ok": ("Ja, gerne mit navn", "Yes, use my name"),
    "act_name_no": ("Nej, hold mig anonym", "No, keep me anonymous"),
    "name_ok_saved": (
        "Tak. Din leder kan se dit navn i beskeder om løsninger, du har brugt. Tryk “Nej, "
        "hold mig anonym”, hvis du fortryder.",
        "Thanks. Your manager can see your name in messages about solutions you used. Press "
        "“No, keep me anonymous” if you change your mind.",
    ),
    "name_no_saved": (
        "Tak. Din leder ser ikke dit navn – der står “en i din enhed”.",
        "Thanks. Your manager will not see your name – it says “someone in your unit”.",
    ),
    "forget_ask": (
        "Skal jeg glemme dig? Så sletter jeg dine spørgsmål, samtaler, kontakter og beskeder "
        "og fjerner dit navn alle andre steder. Det kan ikke fortrydes.",
        "Shall I forget you? I will delete your questions, conversations, introductions and "
        "messages, and remove your name everywhere else. This cannot be undone.",
    ),
    "act_forget_yes": ("Ja, glem mig", "Yes, forget me"),
    "act_forget_no": ("Nej, behold mine data", "No, keep my data"),
    "forget_kept_all": ("Fint. Jeg har ikke slettet noget.", "Fine. I have not deleted anything."),
    "forget_stale": (
        "Den knap hører til et ældre spørgsmål, så jeg har ikke slettet noget. Skriv “glem "
        "mig”, hvis du vil have mig til at glemme dig.",
        "That button belongs to an earlier question, so I have not deleted anything. Type "
        "“forget me” if you want me to forget you.",
    ),
    "forget_done": (
        "Nu har jeg glemt dig. Jeg har slettet eller fjernet dit navn fra:\n{lines}",
        "I have forgotten you. I deleted, or removed your name from:\n{lines}",
    ),
    "forget_nothing": (
        "Jeg havde ikke noget gemt om dig, så der var intet at slette.",
        "I held nothing about you, so there was nothing to delete.",
    ),
    "forget_kept_solutions": (
        "Du står stadig som kontaktperson på {count} udgivne løsning(er). Bed din "
        "organisation om at sætte en anden på.",
        "You are still the contact person of {count} published solution(s). Ask your "
        "organisation to name someone else.",
    ),
    "held_people": ("Personkartoteket: {count}", "People directory: {count}"),
    "held_adoptions": (
        "Meldinger om brug af løsninger: {count}",
        "Reports of using solutions: {count}",
    ),
    "held_demand": ("Spørgsmål: {count}", "Questions: {count}"),
    "held_introductions": ("Kontakter til kolleger: {count}", "Introductions: {count}"),
    "held_feedback": ("Feedback på svar: {count}", "Feedback on answers: {count}"),
    "held_conversations": ("Samtaler: {count}", "Conversations: {count}"),
    "held_seen_events": (
        "Beskeder, der var ved at blive besvaret: {count}",
        "Messages being answered: {count}",
    ),
    "held_outbox": ("Beskeder: {count}", "Messages: {count}"),
    "held_addresses": ("Adresser til at skrive til dig: {count}", "Addresses: {count}"),
    "held_nudges": ("Beskeder til ledere: {count}", "Prompts to managers: {count}"),
    "held_adaptations": ("Tilpasninger: {count}", "Adaptations: {count}"),
    "held_interests": (
        "Hvad du har gjort med løsninger: {count}",
        "What you did with solutions: {count}",
    ),
    "held_submissions": (
        "Løsninger, du har delt, som ikke er udgivet endnu: {count}",
        "Solutions you shared that are not published yet: {count}",
    ),
    "held_opt_outs": ("Fravalg af beskeder: {count}", "Opt-outs from prompts: {count}"),
    "held_organisations": (
        "Administratorer af organisationer: {count}",
        "Organisations' administrators: {count}",
    ),
    "held_consents": (
        "Dit svar om dit navn til din leder: {count}",
        "Your answer about your name to your manager: {count}",
    ),
    "held_slack_installations": (
        "Slack-arbejdsområder, du har installeret Spred i: {count}",
        "Slack workspaces you installed Spred in: {count}",
    ),
    "held_owner_prompts": (
        "Spørgsmål til dig om, hvorvidt resultaterne i dine løsninger stadig holder: {count}",
        "Questions to you whether your solutions' results still hold: {count}",
    ),
    "held_solution_versions": (
        "Ændringer af løsninger, du har lavet eller står som kontakt på: {count}",
        "Changes to solutions you made or are a contact on: {count}",
    ),
    # --- the yearly question to owners (bot/confirmations.py, bot/flows/owner.py)
    "owner_prompt_one": (
        "Du står for tallene i “{title}” i Spred. Holder resultatet stadig? Kolleger, der "
        "overvejer løsningen, stoler på tallene, så jeg spørger hver {months}. måned.",
        "You answer for the figures of “{title}” in Spred. Does the result still hold? "
        "Colleagues considering the solution rely on the figures, so I ask every {months} "
        "months.",
    ),
    "owner_prompt_many": (
        "Du står for tallene i {count} løsninger i Spred. Holder resultaterne stadig? Svar "
        "under hver af dem. Kolleger, der overvejer dem, stoler på tallene, så jeg spørger "
        "hver {months}. måned.",
        "You answer for the figures of {count} solutions in Spred. Do the results still "
        "hold? Answer under each of them. Colleagues considering them rely on the figures, "
        "so I ask every {months} months.",
    ),
    "act_still_true": ("Ja, stadig", "Yes, still true"),
    "act_update_figures": ("Opdater tallene", "Update the figures"),
    "act_no_longer_used": ("Bruges ikke længere", "No longer used"),
    "owner_asked_answered": (
        "Der er allerede svaret for “{title}”: resultaterne står som bekræftet {month} "
        "{year}. Der er ikke mere at gøre.",
        "“{title}” has been answered already: its results stand as confirmed {month} "
        "{year}. Nothing more is needed.",
    ),
    "owner_asked_retired": (
        "“{title}” er allerede trukket tilbage og vises ikke i svar, så der er ikke mere at gøre.",
        "“{title}” has already been retired and is not shown in answers, so nothing more is "
        "needed.",
    ),
    "figures_start": (
        "Lad os opdatere resultatet i “{title}”. Jeg spørger om {count} felter, ét ad gangen. "
        "Skriv den nye værdi, eller tryk “Behold” for at beholde den, der står. Skriv "
        "“annullér” for at stoppe.",
        "Let's update the result of “{title}”. I'll ask about {count} fields, one at a time. "
        "Type the new value, or press “Keep” to keep the one there is. Type “cancel” to stop.",
    ),
    "figures_now": ("Nu: {value}", "Now: {value}"),
    "act_keep": ("Behold", "Keep"),
    "figures_preview": (
        "Sådan kommer løsningen til at se ud. Gemmer du, står resultaterne som bekræftet i "
        "dag. Tryk “Gem tallene” eller “Annullér”.",
        "This is how the solution will look. Once saved, its results stand as confirmed "
        "today. Press “Save the figures” or “Cancel”.",
    ),
    "act_save_figures": ("Gem tallene", "Save the figures"),
    "figures_saved": (
        "Tak! Tallene i “{title}” er opdateret og bekræftet i dag. Den tidligere udgave er "
        "gemt i historikken.",
        "Thank you! The figures of “{title}” are updated and confirmed as of today. The "
        "earlier version is kept in its history.",
    ),
    "figures_nothing": (
        "Der er ingen nye tal i gang (de er gemt, annulleret eller udløbet). Tryk “Opdater "
        "tallene” igen for at begynde forfra.",
        "There are no new figures under way (they were saved, cancelled or have expired). "
        "Press “Update the figures” again to start over.",
    ),
    "owner_retire_ask": (
        "Skal “{title}” trækkes tilbage, fordi den ikke bruges længere? Den vises så ikke "
        "længere i svar (den slettes ikke), og de, der har meldt, at de prøver eller bruger "
        "den, får besked.",
        "Retire “{title}” because it is no longer used? It is then no longer shown in answers "
        "(it is not deleted), and those who reported trying or using it are told.",
    ),
    "act_retire_yes": ("Ja, træk den tilbage", "Yes, retire it"),
    "act_retire_no": ("Nej, behold den", "No, keep it"),
    "owner_retired": (
        "“{title}” er trukket tilbage. Den vises ikke længere i svar, men er ikke slettet.",
        "“{title}” has been retired. It is no longer shown in answers, but it is not deleted.",
    ),
    "owner_retired_told": (
        " {count} der prøver eller bruger den, har fået besked.",
        " {count} who try or use it have been told.",
    ),
    "owner_kept": (
        "Godt – “{title}” bliver stående. Holder tallene stadig, så tryk “Ja, stadig”; er de "
        "ændret, så tryk “Opdater tallene”.",
        "Fine – “{title}” stays. If the figures still hold, press “Yes, still true”; if they "
        "changed, press “Update the figures”.",
    ),
    "retired_notice": (
        "{owner} fra {organization} melder, at “{title}” ikke bruges længere, så Spred viser "
        "den ikke mere. I har meldt, at I prøver eller bruger den – spørg evt. {owner} hvorfor.",
        "{owner} of {organization} reports that “{title}” is no longer used, so Spred no "
        "longer shows it. You reported trying or using it – you may want to ask {owner} why.",
    ),
    # --- how fresh a solution's evidence is (knowledge/freshness.py)
    "confirmed_in": ("Resultater bekræftet {month} {year}", "Results confirmed {month} {year}"),
    "unconfirmed_since": (
        "Resultaterne er ikke bekræftet siden {month} {year} – tallene kan være forældede",
        "The results have not been confirmed since {month} {year} – the figures may be out of date",
    ),
    "month_1": ("januar", "January"),
    "month_2": ("februar", "February"),
    "month_3": ("marts", "March"),
    "month_4": ("april", "April"),
    "month_5": ("maj", "May"),
    "month_6": ("juni", "June"),
    "month_7": ("juli", "July"),
    "month_8": ("august", "August"),
    "month_9": ("september", "September"),
    "month_10": ("oktober", "October"),
    "month_11": ("november", "November"),
    "month_12": ("december", "December"),
    # --- newsletters and feeds for networks, unions and sponsors (bot/newsletter*.py,
    # bot/feeds.py; issue 17)
    "nl_heading_topic": (
        "Løsninger, der spreder sig: {name}",
        "Solutions that are spreading: {name}",
    ),
    "nl_heading_sponsor": (
        "Løsninger støttet af {name}, der spreder sig",
        "Solutions backed by {name} that are spreading",
    ),
    "nl_period": ("Fra Spred, {start} – {end}", "From Spred, {start} – {end}"),
    "nl_day": ("{day}. {month} {year}", "{day} {month} {year}"),
    "nl_result": ("Resultat", "Result"),
    "nl_new": ("Ny i Spred", "New in Spred"),
    "nl_began_one": (
        "{names} er i perioden gået i gang med den",
        "{names} took it up in the period",
    ),
    "nl_began_many": (
        "{count} organisationer er i perioden gået i gang med den: {names}",
        "{count} organisations took it up in the period: {names}",
    ),
    "nl_more": ("Læs mere", "Read more"),
    "nl_questions": ("Kan dine medlemmer svare?", "Can your members answer?"),
    "nl_questions_intro": (
        "Det har flere kolleger spurgt Spred om i perioden, uden at nogen løsning svarede. "
        "Kender du svaret, så del din løsning i Spred.",
        "Several colleagues asked Spred this in the period, and no solution answered. If you "
        "know the answer, share your solution in Spred.",
    ),
    "nl_asked": ("spurgt {count} gange", "asked {count} times"),
    "feed_title": ("Spred: {name}", "Spred: {name}"),
    "feed_subtitle": (
        "Nye løsninger, og hvor de bliver brugt og tilpasset: {name}",
        "New solutions, and where they are used and adapted: {name}",
    ),
    "feed_new": ("Ny i Spred: {title}", "New in Spred: {title}"),
    "feed_changed": ("Opdateret: {title}", "Updated: {title}"),
    "feed_confirmed": ("Resultaterne er bekræftet: {title}", "Results confirmed: {title}"),
    "feed_piloting": ("{place} prøver “{title}”", "{place} is trying “{title}”"),
    "feed_adopted": ("{place} bruger “{title}”", "{place} uses “{title}”"),
    "feed_adapted": ("Tilpasset i {place}: “{title}”", "Adapted at {place}: “{title}”"),
    "feed_unknown": (
        "Spred har intet emne, der hedder “{topic}”.",
        "Spred has no topic called “{topic}”.",
    ),
    "feed_meant": ("Mente du {options}?", "Did you mean {options}?"),
    "feed_how": (
        "Et emne er et område, en faggruppe, et tag, en organisation eller en løsning, fx "
        "/feeds/ældrepleje.atom.",
        "A topic is a domain, a profession, a tag, an organisation or a solution, e.g. "
        "/feeds/ældrepleje.atom.",
    ),
    "feed_unavailable": (
        "Spred kan ikke læse sine data lige nu. Prøv igen om lidt.",
        "Spred cannot read its data just now. Try again shortly.",
    ),
    # --- importing people by chat (bot/flows/people_import.py)
    "people_form_title": ("Importér folk", "Import people"),
    "people_form_submit": ("Importér", "Import"),
    "people_form_label": (
        "Folk som CSV: først en linje med kolonnerne, så én person pr. linje",
        "People as CSV: first a line with the columns, then one person a line",
    ),
    "people_form_hint": (
        "Kolonner som i spred import-people: {columns} (også {others}). id og name skal "
        "udfyldes. Adskil med komma eller semikolon.",
        "Columns as in spred import-people: {columns} (also {others}). id and name are "
        "required. Separate them with commas or semicolons.",
    ),
    "people_too_big": (
        "Det er for meget på én gang: højst {lines} personer og {kb} KB ad gangen. Del "
        "listen op, og importér en del ad gangen.",
        "That is too much at once: at most {lines} people and {kb} KB at a time. Split the "
        "list and import one part at a time.",
    ),
    "people_empty": (
        "Indsæt en linje med kolonnerne og derefter mindst én person.",
        "Paste a line with the columns and then at least one person.",
    ),
    "people_unreadable": (
        "Jeg kan ikke læse det som CSV, så intet er importeret: {problem}",
        "I cannot read that as CSV, so nothing was imported: {problem}",
    ),
    "people_not_saved": (
        "Folkene kunne ikke gemmes lige nu, så intet er ændret. Prøv igen om lidt. ({problem})",
        "The people could not be saved just now, so nothing changed. Try again shortly. "
        "({problem})",
    ),
    "people_refused": (
        "Intet er importeret. Ret linjerne herunder, og send igen:",
        "Nothing was imported. Fix the lines below and send again:",
    ),
    "people_line": ("Linje {line} ({column}): {problem}", "Line {line} ({column}): {problem}"),
    "people_more": ("… og {count} problemer mere.", "… and {count} more problems."),
    "people_ignored": (
        "Kolonnerne {fields} kender jeg ikke. Ret eller fjern dem.",
        "I do not know the columns {fields}. Correct or remove them.",
    ),
    "people_other_org": (
        "Linje {line}: “{organization}” er en anden organisation. Du kan kun importere folk "
        "fra {own}; lad organization stå tom, så kommer de med hos jer.",
        "Line {line}: “{organization}” is another organisation. You can only import people "
        "of {own}; leave organization empty and they are yours.",
    ),
    "people_someone_elses": (
        "Linje {line}: id'et eller e-mailadressen hører til en person i en anden "
        "organisation. Du kan kun importere og rette folk fra {own}.",
        "Line {line}: the id or e-mail address belongs to a person of another organisation. "
        "You can only import and change people of {own}.",
    ),
    "people_manager_elsewhere": (
        "Linje {line}: lederen “{manager}” er ikke blandt folkene i {own}. Lederen skal stå "
        "i listen eller allerede være i Spred hos jer.",
        "Line {line}: the manager “{manager}” is not among the people of {own}. The manager "
        "must be in the list or already in Spred with you.",
    ),
    "people_imported": (
        "Færdig: {added} nye og {updated} opdaterede personer i {where}.",
        "Done: {added} added and {updated} updated people in {where}.",
    ),
    "people_everywhere": ("personkartoteket", "the people directory"),
    # --- the web's public pages (adapters/web/); the dashboard and login come later
    "web_name": ("Spred", "Spred"),
    "web_tagline": (
        "Afprøvede løsninger fra det offentlige",
        "Proven solutions from the public sector",
    ),
    "web_intro": (
        "Spred finder løsninger, som andre offentlige organisationer har bygget og målt, "
        "med resultatet og kollegaen, der står bag. Spørg med dine egne ord, som du ville "
        "spørge en kollega.",
        "Spred finds solutions other public organisations built and measured, with the "
        "result and the colleague behind them. Ask in your own words, as you would ask a "
        "colleague.",
    ),
    "web_skip": ("Spring til indholdet", "Skip to content"),
    "web_other_language": ("In English", "På dansk"),
    "web_question_label": ("Dit spørgsmål", "Your question"),
    "web_question_hint": (
        "Fx: hvordan får vi ventetiden ned i hjemmeplejen?",
        "E.g.: how do we cut waiting times in home care?",
    ),
    "web_ask": ("Spørg", "Ask"),
    "web_answer_heading": ("Svar", "Answer"),
    "web_you_asked": ("Du spurgte: {question}", "You asked: {question}"),
    "web_ask_failed": (
        "Svaret kunne ikke hentes. Prøv igen, eller genindlæs siden.",
        "The answer could not be fetched. Try again, or reload the page.",
    ),
    "web_too_long": (
        "Dit spørgsmål er for langt ({length} tegn). Skriv det kortere, højst {most} tegn.",
        "Your question is too long ({length} characters). Make it shorter, at most {most}.",
    ),
    "web_read_more": ("Læs mere om løsningen", "Read more about this solution"),
    "web_login_needed": (
        "Log ind via Slack eller Teams for at bruge {actions}.",
        "Log in via Slack or Teams to use {actions}.",
    ),
    "web_needs_login": (
        "Det kræver, at du logger ind via Slack eller Teams. Her på siden kan du spørge og "
        "læse om løsningerne.",
        "That needs you to log in via Slack or Teams. On this page you can ask and read "
        "about the solutions.",
    ),
    "web_too_many_title": ("For mange spørgsmål", "Too many questions"),
    "web_too_many": (
        "Du har stillet mange spørgsmål på kort tid. Vent et minut, og spørg så igen.",
        "You asked many questions in a short time. Wait a minute, then ask again.",
    ),
    "web_unavailable_title": ("Prøv igen om lidt", "Try again shortly"),
    "web_unavailable": (
        "Spred kan ikke hente løsningen lige nu. Prøv igen om lidt.",
        "Spred cannot fetch the solution just now. Try again shortly.",
    ),
    "web_not_found_title": ("Siden findes ikke", "Page not found"),
    "web_not_found": (
        "Der er ingen løsning på denne adresse. Måske er den fjernet, eller adressen er "
        "skrevet forkert. Søg efter den i stedet:",
        "There is no solution at this address. It may have been removed, or the address is "
        "mistyped. Search for it instead:",
    ),
    "web_results": ("Resultat før og efter", "Result before and after"),
    "web_before": ("Før", "Before"),
    "web_after": ("Efter", "After"),
    "web_metric": ("Måling", "Measure"),
    "web_unit": ("Enhed", "Unit"),
    "web_period": ("Periode", "Period"),
    "web_source": ("Kilde", "Source"),
    "web_chart_label": (
        "{metric}: før {before}, efter {after} {unit}",
        "{metric}: before {before}, after {after} {unit}",
    ),
    "web_users": ("Hvem bruger den", "Who uses it"),
    "web_no_users": (
        "Ingen organisation har endnu meldt, at de prøver eller bruger den.",
        "No organisation has said yet that it is trying or using it.",
    ),
    "web_since": ("siden {month} {year}", "since {month} {year}"),
    "web_local": ("Lokale resultater og tilpasninger", "Local results and adaptations"),
    "web_footer": (
        "Spred viser kun det, løsningerne selv offentliggør: resultater, organisation og "
        "kontaktpersoner. Spørgsmål, ingen løsning svarer på, ser Spreds administratorer, "
        "så de ved, hvad der mangler – men ikke hvem der spurgte.",
        "Spred shows only what the solutions publish: results, organisation and contact "
        "people. Questions no solution answers are seen by Spred's administrators, so they "
        "know what is missing – but not who asked.",
    ),
    # --- reaching out (issue 17): follows, the respect budget, weekly digests
    "act_follow": ("Følg {topic}", "Follow {topic}"),
    "act_unfollow": ("Stop med at følge {topic}", "Unfollow {topic}"),
    "follow_started": (
        "Du følger nu {topic}. Hver {day} formiddag får du en kort oversigt over, hvad der er "
        "nyt: nye løsninger, hvem der er begyndt at bruge dem, og nye resultater – højst fem "
        "ting, og kun hvis der er noget nyt.\n"
        "Skriv “følger” for at se, hvad du følger, eller “stop med at følge {topic}”.",
        "You now follow {topic}. Every {day} morning you get a short overview of what is "
        "new: new solutions, who began using them, and new results – five things at most, "
        "and only if there is something new.\n"
        "Write “following” to see what you follow, or “unfollow {topic}”.",
    ),
    "follow_already": (
        "Du følger allerede {topic}. Din oversigt kommer {day} formiddag, når der er nyt.",
        "You already follow {topic}. Your overview comes on {day} morning when there is news.",
    ),
    "follow_but_stopped": (
        "Du har bedt mig om ikke at sende dig beskeder af mig selv, så du får ingen oversigt. "
        "Skriv “start beskeder igen”, hvis du vil have den.",
        "You asked me not to send you messages unasked, so you get no overview. Write "
        "“start messages again” if you want it.",
    ),
    "follow_meant": (
        "Jeg kender ikke emnet “{typed}”. Mente du et af disse?",
        "I don't know the topic “{typed}”. Did you mean one of these?",
    ),
    "follow_unknown_topic": (
        "Det emne kan jeg ikke finde blandt løsningerne længere. Skriv “følg” og emnet, fx "
        "“følg ældrepleje”.",
        "I can no longer find that topic among the solutions. Write “follow” and the topic, "
        "e.g. “follow elderly care”.",
    ),
    "follow_too_many": (
        "Du følger allerede {most} emner, og det er det højeste. Stop med at følge et andet "
        "først (skriv “følger” for at se dem).",
        "You already follow {most} topics, the most there can be. Unfollow another one first "
        "(write “following” to see them).",
    ),
    "unfollow_unknown": (
        "Du følger ikke “{topic}”. Skriv “følger” for at se, hvad du følger.",
        "You don't follow “{topic}”. Write “following” to see what you follow.",
    ),
    "unfollowed": (
        "Du følger ikke længere {topic}.",
        "You no longer follow {topic}.",
    ),
    "following_none": (
        "Du følger ingen emner endnu. Skriv fx “følg ældrepleje”, eller tryk “Følg …” under "
        "en løsning.",
        "You follow no topics yet. Write e.g. “follow elderly care”, or press “Follow …” under "
        "a solution.",
    ),
    "following_list": (
        "Du følger:\n{lines}\nSkriv “stop med at følge <emne>” for at stoppe.",
        "You follow:\n{lines}\nWrite “unfollow <topic>” to stop.",
    ),
    "act_reach_fewer": ("Færre beskeder", "Fewer messages"),
    "act_reach_stop": ("Stop", "Stop"),
    "reach_fewer_set": (
        "Fint. Fra nu af sender jeg dig højst én besked af mig selv hver anden uge. Skriv "
        "“start beskeder igen” for at få dem som før.",
        "Fine. From now on I send you at most one message unasked every other week. Write "
        "“start messages again” to get them as before.",
    ),
    "reach_stop_set": (
        "Fint. Jeg sender dig ingen beskeder af mig selv længere; du kan stadig spørge mig om "
        "alt. Skriv “start beskeder igen”, hvis du fortryder.",
        "Fine. I won't send you any messages unasked any more; you can still ask me "
        "anything. Write “start messages again” if you change your mind.",
    ),
    "reach_all_set": (
        "Fint. Jeg sender dig igen beskeder af mig selv – højst én om dagen og tre om ugen.",
        "Fine. I send you messages unasked again – at most one a day and three a week.",
    ),
    "digest_intro": ("Nyt i det, du følger ({topics}):", "News in what you follow ({topics}):"),
    "digest_new": (
        "Ny løsning: {title} fra {origin} – {result}",
        "New solution: {title} from {origin} – {result}",
    ),
    "digest_piloting": (
        "{place} er begyndt at prøve {title} – {result}",
        "{place} began trying {title} – {result}",
    ),
    "digest_adopted": (
        "{place} bruger nu {title} – {result}",
        "{place} now uses {title} – {result}",
    ),
    "digest_adapted": (
        "{place} har tilpasset {title} lokalt – {result}",
        "{place} adapted {title} locally – {result}",
    ),
    "digest_measured": (
        "{place} har selv målt {title}: {figures} (oprindeligt {result})",
        "{place} measured {title} itself: {figures} (originally {result})",
    ),
    "digest_confirmed": (
        "Resultaterne for {title} er bekræftet {month} {year} – {result}",
        "The results of {title} were confirmed {month} {year} – {result}",
    ),
    "digest_more": ("…og {count} mere. Spørg mig om emnet.", "…and {count} more. Ask me about it."),
    "digest_footer": (
        "Du får denne oversigt, fordi du følger emnerne. Skriv “følger” for at ændre det.",
        "You get this overview because you follow these topics. Write “following” to change that.",
    ),
    "digest_channel_started": (
        "Denne kanal får nu en kort oversigt over nyt i {topic} hver {day} formiddag, når der "
        "er nyt. Skriv “stop digest #kanal {topic}” her for at stoppe den.",
        "This channel now gets a short overview of what is new in {topic} every {day} "
        "morning when there is news. Write “stop digest #channel {topic}” here to stop it.",
    ),
    "digest_channel_stopped": (
        "Denne kanal får ikke længere oversigten over {topic}.",
        "This channel no longer gets the overview of {topic}.",
    ),
    "digest_channel_not": (
        "Denne kanal får ikke oversigten over {topic}.",
        "This channel does not get the overview of {topic}.",
    ),
    "digest_channel_unknown": (
        "Jeg kender ikke emnet “{typed}”. Mente du: {meant}?",
        "I don't know the topic “{typed}”. Did you mean: {meant}?",
    ),
    "digest_channel_only": (
        "Skriv det i den kanal, der skal have oversigten (nævn mig der).",
        "Write it in the channel that is to get the overview (mention me there).",
    ),
    "digest_channel_platform": (
        "Kun en kanal i Slack eller Teams kan følge et emne.",
        "Only a channel in Slack or Teams can follow a topic.",
    ),
    "weekday_0": ("mandag", "Monday"),
    "weekday_1": ("tirsdag", "Tuesday"),
    "weekday_2": ("onsdag", "Wednesday"),
    "weekday_3": ("torsdag", "Thursday"),
    "weekday_4": ("fredag", "Friday"),
    "held_follows": ("Emner, du følger: {count}", "Topics you follow: {count}"),
    "held_reach": (
        "Hvor mange beskeder du vil have fra mig: {count}",
        "How many messages you want from me: {count}",
    ),
    "held_digests": (
        "Hvad dine ugentlige oversigter har fortalt dig: {count}",
        "What your weekly overviews told you: {count}",
    ),
    # --- recognition (issue 17, bot/recognition.py): the monthly thanks
    "recog_intro": (
        "Tak fra Spred – det her skete i {month}:",
        "Thanks from Spred – this is what happened in {month}:",
    ),
    "recog_yours": ("Din løsning «{title}» {what}.", "Your solution «{title}» {what}."),
    "recog_employee": (
        "Din medarbejder {whose} løsning «{title}» {what}.",
        "Your employee {whose} solution «{title}» {what}.",
    ),
    "recog_used_one": (
        "bruges nu i én anden organisation",
        "is now used in one other organisation",
    ),
    "recog_used": (
        "bruges nu i {count} andre organisationer",
        "is now used in {count} other organisations",
    ),
    "recog_new_one": ("(én ny i {month})", "(one new in {month})"),
    "recog_new": ("({count} nye i {month})", "({count} new in {month})"),
    "recog_adapted": ("blev tilpasset i {places}", "was adapted in {places}"),
    "recog_repeated_one": (
        "resultatet er gentaget 1 sted mere",
        "its result was repeated in 1 more place",
    ),
    "recog_repeated": (
        "resultatet er gentaget {count} steder mere",
        "its result was repeated in {count} more places",
    ),
    "recog_adaptation": (
        "Jeres tilpasning af «{title}» i {place} står nu ved løsningen i Spred, så alle, der "
        "ser den, kan lære af den.{using} Tak, fordi I delte den.",
        "Your adaptation of «{title}» in {place} now stands with the solution in Spred, so "
        "everyone who looks at it can learn from it.{using} Thank you for sharing it.",
    ),
    "recog_origin_using": (
        " Løsningen fra {origin} {used}.",
        " The solution from {origin} {used}.",
    ),
    "recog_ask_name": (
        "Må din leder få at vide, med dit navn, når din løsning spreder sig – og se dit navn i "
        "mine andre beskeder om løsninger, du bruger? Handler løsningen om sygefravær eller "
        "stress, nævner jeg aldrig dit navn.",
        "May your manager be told, with your name, when your solution spreads – and see your "
        "name in my other messages about solutions you use? If the solution is about sick "
        "leave or stress, I never give your name.",
    ),
    "recog_footer": (
        "Jeg skriver højst én gang om måneden, og kun når der er nyt.",
        "I write at most once a month, and only when there is news.",
    ),
    "held_recognitions": (
        "Hvilken måned jeg sidst takkede dig for: {count}",
        "The month I last thanked you for: {count}",
    ),
    # --- the web's login and dashboard (issue 18)
    "login_no_public_url": (
        "Jeg kan ikke give dig et link til nettet: {setting} er ikke sat. Bed den, "
        "der driver Spred, om at sætte den til Spreds adresse (fx https://spred.eksempel.dk).",
        "I cannot give you a link to the web: {setting} is not set. Ask whoever runs "
        "Spred to set it to Spred's address (e.g. https://spred.example.org).",
    ),
    "login_in_private": (
        "Skriv *dashboard* til mig i en privat besked, så får du dit link til nettet dér; "
        "her kan andre se det.",
        "Write *dashboard* to me in a private message and you get your link to the web "
        "there; here others can see it.",
    ),
    "login_link": (
        "Her er dit link til Spred på nettet. Det virker én gang, i {minutes} minutter, "
        "og kun for dig; del det ikke:\n{url}",
        "Here is your link to Spred on the web. It works once, for {minutes} minutes, and "
        "only for you; do not share it:\n{url}",
    ),
    "login_link_admin": (
        "Her er dit link til dashboardet. Det virker én gang, i {minutes} minutter, og kun "
        "for dig; del det ikke:\n{url}",
        "Here is your link to the dashboard. It works once, for {minutes} minutes, and only "
        "for you; do not share it:\n{url}",
    ),
    "held_login_links": (
        "Login-links til nettet, du har fået (kun gemt som fingeraftryk): {count}",
        "Login links to the web you were given (kept only as fingerprints): {count}",
    ),
    "held_web_sessions": (
        "Dine logins på nettet: {count}",
        "Your logins on the web: {count}",
    ),
    "dash_title": ("Dashboard", "Dashboard"),
    "dash_intro_global": (
        "Hvad der efterspørges, hvad der spredes, og hvad lederne gør – i alle organisationer.",
        "What is asked for, what spreads, and what managers do – in every organisation.",
    ),
    "dash_intro_local": (
        "Hvad der efterspørges, hvad der spredes, og hvad lederne gør – i {organisation}.",
        "What is asked for, what spreads, and what managers do – in {organisation}.",
    ),
    "dash_download": ("Hent som CSV", "Download as CSV"),
    "dash_empty": ("Intet endnu.", "Nothing yet."),
    "dash_demand": ("Efterspørgsel: åbne spørgsmål efter emne", "Demand: open questions by topic"),
    "dash_no_topic": ("(uden emne)", "(no topic)"),
    "dash_topic": ("Emne", "Topic"),
    "dash_asked": ("Spurgt", "Asked"),
    "dash_questions": ("Forskellige spørgsmål", "Different questions"),
    "dash_most_asked": ("Mest spurgt", "Most asked"),
    "dash_answered": (
        "Besvaret efterspørgsel efter emne, og hvor længe den ventede",
        "Answered demand by topic, and how long it waited",
    ),
    "dash_answered_count": ("Besvarede spørgsmål", "Questions answered"),
    "dash_median_wait": ("Ventetid, median (dage)", "Wait, median (days)"),
    "dash_longest_wait": ("Længste ventetid (dage)", "Longest wait (days)"),
    "dash_trend": (
        "Efterspørgslen uge for uge: spørgsmål pr. emne",
        "Demand week by week: questions per topic",
    ),
    "dash_week": ("uge", "week"),
    "dash_more_rows": (
        "Her vises de første {shown} rækker; CSV-filen har dem alle.",
        "The first {shown} rows are shown here; the CSV file has them all.",
    ),
    "dash_spreading": ("Spredning pr. løsning", "Spreading per solution"),
    "dash_solution": ("Løsning", "Solution"),
    "dash_interested": ("Interesseret", "Interested"),
    "dash_trying": ("Prøver", "Trying"),
    "dash_using": ("Bruger", "Using"),
    "dash_organisations": ("Organisationer, der bruger den", "Organisations using it"),
    "dash_by_month": (
        "Spredning over tid: organisationer pr. trin og måned",
        "Spreading over time: organisations per stage and month",
    ),
    "dash_month": ("Måned", "Month"),
    "dash_new_users": ("Nye brugere", "New users"),
    "dash_chart_label": (
        "Stablet søjlediagram: organisationer, der nåede hvert trin, pr. måned de seneste "
        "{months} måneder: {interested} blev interesserede, {trying} begyndte at prøve, "
        "{using} tog den i brug. Tallene står i tabellen under.",
        "Stacked bar chart: organisations reaching each stage per month over the last "
        "{months} months: {interested} became interested, {trying} started trying, "
        "{using} took it into use. The numbers are in the table below.",
    ),
    "dash_managers": ("Ledere", "Managers"),
    "dash_prompts_sent": ("Påmindelser sendt", "Prompts sent"),
    "dash_plans": ("Planer lagt", "Plans made"),
    "dash_follow_ups": ("Opfølgninger besvaret", "Follow-ups answered"),
    "dash_adaptations": ("Tilpasninger delt", "Adaptations shared"),
    "dash_submissions": ("Indsendte løsninger, der venter", "Submissions waiting"),
    "dash_sharer": ("Delt af", "Shared by"),
    "dash_state": ("Status", "State"),
    "dash_state_waiting": ("Venter på en redaktør", "Waiting for an editor"),
    "dash_state_changes": ("Ændringer ønsket", "Changes asked for"),
    "dash_shared_on": ("Delt den", "Shared on"),
    "dash_confirmations": (
        "Løsninger, hvis ejere skal bekræfte resultaterne",
        "Solutions whose owners are due to confirm the results",
    ),
    "dash_organisation": ("Organisation", "Organisation"),
    "dash_confirmed_on": ("Senest bekræftet", "Last confirmed"),
    "web_logout": ("Log ud", "Log out"),
    "web_login_failed_title": ("Linket virker ikke længere", "The link no longer works"),
    "web_login_failed": (
        "Et login-link virker én gang og i 10 minutter, og dette er brugt eller udløbet. "
        "Skriv “dashboard” (eller “log ind”) til Spred i en privat besked i Slack, Teams "
        "eller spred chat, så får du et nyt.",
        "A login link works once and for 10 minutes, and this one is used or expired. "
        "Write “dashboard” (or “login”) to Spred in a private message in Slack, Teams or "
        "spred chat, and you get a new one.",
    ),
    "web_login_needed_title": ("Log ind for at se dashboardet", "Log in to see the dashboard"),
    "web_login_how": (
        "Dashboardet er for Spreds administratorer. Skriv “dashboard” (eller “log ind”) til "
        "Spred i en privat besked i Slack, Teams eller spred chat; Spred svarer med et "
        "link, der logger dig ind.",
        "The dashboard is for Spred's admins. Write “dashboard” (or “login”) to Spred in a "
        "private message in Slack, Teams or spred chat; Spred answers with a link that logs "
        "you in.",
    ),
    "web_not_admin_title": ("Dashboardet er for administratorer", "The dashboard is for admins"),
    "web_not_admin": (
        "Du er logget ind, men ikke administrator. Din egen side viser, hvad du har spurgt "
        "om, følger og bruger.",
        "You are logged in, but not an admin. Your own page shows what you asked, follow and use.",
    ),
    "web_own_page": ("Din side", "Your page"),
    "web_logged_out_title": ("Du er logget ud", "You are logged out"),
    "web_logged_out": (
        "Du er logget ud. Skriv “dashboard” til Spred for at logge ind igen.",
        "You are logged out. Write “dashboard” to Spred to log in again.",
    ),
    "web_bad_form_title": ("Formularen var for gammel", "The form was too old"),
    "web_bad_form": (
        "Formularen kom ikke fra denne side eller er for gammel. Gå tilbage, genindlæs siden "
        "og prøv igen.",
        "The form did not come from this page or is too old. Go back, reload the page and "
        "try again.",
    ),
    # --- open questions reach people who may know (issue 17, bot/routing.py) ---
    "demand_name_ask": (
        "Jeg spørger måske kolleger andre steder, som følger emnet, om de kender en løsning – "
        "uden dit navn. Må vi nævne dit navn, hvis vi spørger kolleger?",
        "I may ask colleagues elsewhere who follow the topic whether they know a solution – "
        "without your name. May we mention your name when we ask colleagues?",
    ),
    "act_demand_name_ok": ("Ja, nævn mit navn", "Yes, mention my name"),
    "demand_name_set": (
        "Tak. Kolleger, jeg spørger, kan se dit navn og din organisation – aldrig din e-mail.",
        "Thank you. Colleagues I ask can see your name and organisation – never your e-mail.",
    ),
    "routed_anonymous": (
        "En kollega spørger: {question} Kender du en løsning?",
        "A colleague asks: {question} Do you know a solution?",
    ),
    "routed_named": (
        "{name} spørger: {question} Kender du en løsning?",
        "{name} asks: {question} Do you know a solution?",
    ),
    "routed_why": (
        "Du får spørgsmålet, fordi du følger emnet. Ingen har svaret på det i Spred endnu.",
        "You get this question because you follow its topic. Nobody in Spred has answered it yet.",
    ),
    "routed_by_colleague": (
        "En kollega mener, du ved noget om det. Ingen har svaret på det i Spred endnu.",
        "A colleague thinks you know about it. Nobody in Spred has answered it yet.",
    ),
    "act_routed_yes": ("Ja, jeg har en", "Yes, I have one"),
    "act_routed_knows": ("Jeg kender en, der ved det", "I know someone who knows"),
    "act_routed_no": ("Nej", "No"),
    "routed_unknown": (
        "Den knap hører til et spørgsmål, jeg ikke har stillet dig. Der er ikke sket noget.",
        "That button belongs to a question I did not ask you. Nothing was changed.",
    ),
    "routed_closed": (
        "Tak – det spørgsmål er ikke åbent længere (det har fået et svar, eller er trukket "
        "tilbage). Der er ikke brug for mere.",
        "Thank you – that question is no longer open (it has an answer, or was withdrawn). "
        "Nothing more is needed.",
    ),
    "routed_yes": (
        "Dejligt! Fortæl om løsningen, så når den din kollega – de får besked, når den er udgivet.",
        "Wonderful! Tell me about the solution, and it will reach your colleague – they are "
        "told when it is published.",
    ),
    "routed_share_problem": (
        "Problemet er din kollegas spørgsmål: “{question}”. Du kan rette det på udkastet.",
        "The problem is your colleague's question: “{question}”. You can change it on the draft.",
    ),
    "routed_share_sent": (
        "Kollegaen, der spurgte, får besked, når en redaktør har udgivet den.",
        "The colleague who asked is told once an editor has published it.",
    ),
    "routed_who": (
        "Hvem ved det? Skriv deres e-mail – eller nævn dem med @ i Slack.",
        "Who knows? Write their e-mail – or mention them with @ in Slack.",
    ),
    "routed_who_again": (
        "Jeg forstod ikke “{typed}” som en kollega. Skriv deres e-mail (fx navn@kommune.dk) "
        "eller nævn dem med @ – eller skriv “annuller”.",
        "I did not understand “{typed}” as a colleague. Write their e-mail (e.g. "
        "name@council.dk) or mention them with @ – or write “cancel”.",
    ),
    "routed_unreachable": (
        "Jeg kan ikke skrive til {typed} gennem Spred. Send dem gerne spørgsmålet selv: "
        "{question} – og bed dem skrive “del en løsning” til mig, hvis de kender en.",
        "I cannot write to {typed} through Spred. Please send them the question yourself: "
        "{question} – and ask them to write “share a solution” to me if they know one.",
    ),
    "routed_not_them": (
        "Det er dig selv eller den, der spurgte. Skriv en anden kollegas e-mail, eller “annuller”.",
        "That is you or the one who asked. Write another colleague's e-mail, or “cancel”.",
    ),
    "routed_forwarded": (
        "Tak! Jeg har spurgt dem – uden at nævne dig.",
        "Thank you! I have asked them – without naming you.",
    ),
    "routed_asked_already": (
        "Tak! De har allerede fået spørgsmålet fra mig.",
        "Thank you! They have already had the question from me.",
    ),
    "routed_not_now": (
        "Tak! De har fået de beskeder, de vil have fra mig lige nu. Send dem gerne "
        "spørgsmålet selv: {question}",
        "Thank you! They have had all the messages they want from me for now. Please send "
        "them the question yourself: {question}",
    ),
    "routed_quiet": (
        "Tak! Jeg skriver ikke uopfordret til nogen uden for arbejdstid. Send dem gerne "
        "spørgsmålet selv: {question} – eller nævn dem igen i arbejdstiden.",
        "Thank you! I do not write to anyone unasked outside working hours. Please send them "
        "the question yourself: {question} – or name them again in working hours.",
    ),
    "routed_no": (
        "Tak for svaret. Jeg spørger dig ikke mere om det.",
        "Thanks for answering. I won't ask you about it again.",
    ),
    "expired_routed_naming": (
        "Du nåede ikke at nævne kollegaen inden for 30 minutter, så jeg har lukket det. Tryk "
        "“Jeg kender en, der ved det” igen for at nævne dem.",
        "You did not name the colleague within 30 minutes, so I closed it. Press “I know "
        "someone who knows” again to name them.",
    ),
    "held_routed": (
        "Åbne spørgsmål, jeg har stillet dig eller dine kolleger på dit ord: {count}",
        "Open questions I asked you, or colleagues on your word: {count}",
    ),
    # --- roadshows (issue 17): bot/roadshows.py, bot/flows/roadshow.py
    "expired_roadshow": (
        "Planlægningen af din roadshow blev afbrudt, fordi der gik for lang tid. Skriv "
        "roadshow <id> for at begynde igen.",
        "Planning your roadshow was stopped because it took too long. Write roadshow <id> to "
        "start again.",
    ),
    "expired_roadshow_check": (
        "Din roadshow blev ikke sendt, fordi der gik for lang tid. Skriv roadshow <id> for at "
        "begynde igen.",
        "Your roadshow was not sent because it took too long. Write roadshow <id> to start again.",
    ),
    "expired_roadshow_forward": (
        "Invitationen blev ikke sendt videre, fordi der gik for lang tid. Tryk “Send til en "
        "kollega” igen.",
        "The invitation was not passed on because it took too long. Press “Send to a "
        "colleague” again.",
    ),
    "roadshow_how": (
        "Skriv roadshow og id'et på jeres løsning, fx: roadshow kortere-ventetid",
        "Write roadshow and your solution's id, e.g.: roadshow kortere-ventetid",
    ),
    "roadshow_unknown": (
        "Jeg kender ingen offentliggjort løsning med id'et {id}. Tjek id'et under løsningens "
        "detaljer.",
        "I know no published solution with the id {id}. Check the id in the solution's details.",
    ),
    "roadshow_not_yours": (
        "Kun dem bag “{title}” (ejeren og kontaktpersonerne) eller en admin kan holde en "
        "roadshow for den.",
        "Only the people behind “{title}” (its owner and contacts) or an admin can hold a "
        "roadshow for it.",
    ),
    "roadshow_start": (
        "Lad os planlægge en roadshow for “{title}”: fire korte spørgsmål. Skriv annuller for "
        "at stoppe.",
        "Let's plan a roadshow for “{title}”: four short questions. Write cancel to stop.",
    ),
    "roadshow_ask_when": (
        "Hvornår? Skriv dato og klokkeslæt, fx 14/1 kl 13 eller 2027-01-14 13:00 (dansk tid).",
        "When? Write the date and time, e.g. 14/1 kl 13 or 2027-01-14 13:00 (Danish time).",
    ),
    "roadshow_ask_where": (
        "Hvor? Et link til mødet online eller en adresse.",
        "Where? A link to the online meeting or an address.",
    ),
    "roadshow_ask_places": (
        "Hvor mange pladser er der?",
        "How many places are there?",
    ),
    "roadshow_ask_text": (
        "Skriv en kort invitation: hvad viser I, og hvem er det for?",
        "Write a short invitation: what will you show, and who is it for?",
    ),
    "roadshow_when_unclear": (
        "Den dato og det klokkeslæt kunne jeg ikke læse.",
        "I could not read that date and time.",
    ),
    "roadshow_when_past": (
        "Det tidspunkt er allerede gået: skriv et tidspunkt i fremtiden.",
        "That time has already passed: write a time in the future.",
    ),
    "roadshow_places_bad": (
        "Skriv antallet af pladser som et helt tal fra 1 til {most}.",
        "Write the number of places as a whole number from 1 to {most}.",
    ),
    "roadshow_where_bad": (
        "Skriv et link eller en adresse på én linje (højst 300 tegn).",
        "Write a link or an address on one line (at most 300 characters).",
    ),
    "roadshow_text_bad": (
        "Invitationen må højst være 1000 tegn, uden kontroltegn.",
        "The invitation may be at most 1000 characters, without control characters.",
    ),
    "roadshow_summary": (
        "Roadshow for “{title}”\nHvornår: {when}\nHvor: {where}\nPladser: {places}\n"
        "Invitation: {text}\n\nSkal jeg sende invitationerne?",
        "Roadshow for “{title}”\nWhen: {when}\nWhere: {where}\nPlaces: {places}\n"
        "Invitation: {text}\n\nShall I send the invitations?",
    ),
    "act_roadshow_send": ("Send invitationer", "Send invitations"),
    "roadshow_sent": (
        "Roadshowen for “{title}” er planlagt, og {count} er inviteret.",
        "The roadshow for “{title}” is planned, and {count} have been invited.",
    ),
    "roadshow_not_sent": (
        " {count} får den senere, når de må få en besked fra mig igen (uden for stille timer, "
        "og når de ikke har fået nok for nu).",
        " {count} will get it later, when they may get a message from me again (outside quiet "
        "hours, and once they have not had enough for now).",
    ),
    "roadshow_calendar": (
        "Kalenderinvitation: {link}",
        "Calendar invitation: {link}",
    ),
    "roadshow_gone": (
        "Den roadshow findes ikke længere.",
        "That roadshow no longer exists.",
    ),
    "roadshow_over": (
        "Roadshowen for “{title}” er allerede holdt.",
        "The roadshow for “{title}” has already taken place.",
    ),
    "roadshow_waiting": (
        "Alle pladser til “{title}” er taget, så du står på ventelisten som nummer "
        "{position}. Jeg skriver, hvis du får en plads.",
        "Every place for “{title}” is taken, so you are number {position} on the waiting "
        "list. I will write if you get a place.",
    ),
    "roadshow_coming": (
        "Du har en plads til “{title}”: {when}, {where}.",
        "You have a place at “{title}”: {when}, {where}.",
    ),
    "roadshow_declined": (
        "Tak for svaret – du er ikke tilmeldt “{title}”.",
        "Thanks for letting us know – you are not signed up for “{title}”.",
    ),
    "roadshow_moved_up": (
        "Der blev en plads ledig: du er nu tilmeldt “{title}”, {when}.",
        "A place came free: you are now signed up for “{title}”, {when}.",
    ),
    "roadshow_later": (
        "Helt i orden. Du kan altid finde løsningen igen ved at spørge mig.",
        "That's fine. You can always find the solution again by asking me.",
    ),
    "roadshow_forward_ask": (
        "Hvem skal have invitationen til “{title}”? Skriv din kollegas navn eller e-mailadresse.",
        "Who should get the invitation to “{title}”? Write your colleague's name or e-mail "
        "address.",
    ),
    "roadshow_forward_bad": (
        "Det kan jeg ikke læse som et navn eller en e-mailadresse. Skriv fx “Eva Ny” eller "
        "eva.ny@kommune.dk, eller skriv annuller.",
        "I cannot read that as a name or an e-mail address. Write e.g. “Eva Ny” or "
        "eva.ny@kommune.dk, or write cancel.",
    ),
    "roadshow_forward_unknown": (
        "Jeg kan ikke finde {email} her. Tjek adressen, eller send invitationen selv.",
        "I cannot find {email} here. Check the address, or pass the invitation on yourself.",
    ),
    "roadshow_forwarded": (
        "Invitationen er sendt til {who}.",
        "The invitation has been sent to {who}.",
    ),
    "roadshow_forward_already": (
        "{who} er allerede inviteret.",
        "{who} has already been invited.",
    ),
    "roadshow_forward_later": (
        "{who} må ikke få en besked fra mig lige nu, så jeg sendte den ikke. Send den gerne selv.",
        "{who} may not get a message from me right now, so I did not send it. Feel free to "
        "pass it on yourself.",
    ),
    "roadshows_none": (
        "Du har ingen roadshows. Skriv roadshow <id> for at planlægge en.",
        "You have no roadshows. Write roadshow <id> to plan one.",
    ),
    "roadshows_line": (
        "• {title}, {when}: {taken} af {places} pladser taget, {waiting} på venteliste. "
        "Kommer: {names}",
        "• {title}, {when}: {taken} of {places} places taken, {waiting} waiting. Coming: {names}",
    ),
    "roadshow_invitation": (
        "Invitation: {organiser} viser “{title}” frem – {when}, {where}. {places} pladser.\n{why}",
        "Invitation: {organiser} will show “{title}” – {when}, {where}. {places} places.\n{why}",
    ),
    "roadshow_the_originators": ("Dem bag løsningen", "The people behind the solution"),
    "roadshow_why_asked": (
        "Du får den, fordi du spurgte om “{about}”.",
        "You get this because you asked about “{about}”.",
    ),
    "roadshow_why_tried": (
        "Du får den, fordi I prøver “{title}”.",
        "You get this because you are trying “{title}”.",
    ),
    "roadshow_why_interest": (
        "Du får den, fordi du viste interesse for “{title}”.",
        "You get this because you showed interest in “{title}”.",
    ),
    "roadshow_why_follows": (
        "Du får den, fordi du følger {about}.",
        "You get this because you follow {about}.",
    ),
    "roadshow_why_staff": (
        "Du får den, fordi din medarbejder viste interesse for “{title}”.",
        "You get this because someone on your staff showed interest in “{title}”.",
    ),
    "roadshow_why_forwarded": (
        "{about} sendte den videre til dig.",
        "{about} passed it on to you.",
    ),
    "act_roadshow_yes": ("Jeg kommer", "I'll come"),
    "act_roadshow_no": ("Kan ikke", "Can't make it"),
    "act_roadshow_forward": ("Send til en kollega", "Send to a colleague"),
    "roadshow_when": (
        "{day}/{month} {year} kl. {time}",
        "{year}-{month:02}-{day:02} at {time}",
    ),
    "roadshow_reminder": (
        "Husk: i morgen viser de “{title}” – {when}, {where}.",
        "Reminder: tomorrow “{title}” is shown – {when}, {where}.",
    ),
    "roadshow_followup": (
        "Tak, fordi du var med, da “{title}” blev vist. Hvad gør I nu?",
        "Thank you for coming when “{title}” was shown. What will you do next?",
    ),
    "act_roadshow_try": ("Vi vil prøve den", "We will try it"),
    "act_roadshow_later": ("Ikke nu", "Not now"),
    "held_roadshows": (
        "Roadshows, du har planlagt eller svaret på: {count}",
        "Roadshows you planned or answered: {count}",
    ),
    # a Teams channel that follows (issue 17)
    "digest_channel_started_teams": (
        "Denne kanal får nu en kort oversigt over nyt i {topic} hver {day} formiddag, når der "
        "er nyt. Nævn mig og skriv “stop digest {topic}” her for at stoppe den.",
        "This channel now gets a short overview of what is new in {topic} every {day} "
        "morning when there is news. Mention me and write “stop digest {topic}” here to stop "
        "it.",
    ),
    "digest_channel_only_teams": (
        "Skriv det i den kanal i et team, der skal have oversigten: nævn mig der og skriv "
        "“digest {topic}”. En personlig chat eller en gruppechat kan ikke følge et emne.",
        "Write it in the team channel that is to get the overview: mention me there and "
        "write “digest {topic}”. A personal chat or a group chat cannot follow a topic.",
    ),
    "digest_channel_admins": (
        "Kun Spreds administratorer og jeres organisations lokale administratorer kan lade en "
        "kanal få oversigten. Bed en af dem om at skrive det i kanalen.",
        "Only Spred's administrators and your organisation's local administrators can give a "
        "channel the overview. Ask one of them to write it in the channel.",
    ),
    # --- editors review submissions on the web (issues 16 and 18, adapters/web/review.py)
    "web_review_title": ("Indsendt løsning", "Submitted solution"),
    "web_review_intro": (
        "Sådan kommer løsningen til at se ud, når den er udgivet. Se den igennem, og vælg "
        "nedenfor: udgiv den, bed om ændringer, eller afvis den.",
        "This is how the solution will look once published. Look it over, and choose below: "
        "publish it, ask for changes, or reject it.",
    ),
    "web_review_decide": ("Din afgørelse", "Your decision"),
    "web_review_publish_hint": (
        "Løsningen kan findes af alle, så snart den er udgivet, og den, der delte den, får besked.",
        "Everyone can find the solution once it is published, and the person who shared it "
        "is told.",
    ),
    "web_review_refused": ("Afgørelsen blev ikke gemt", "The decision was not saved"),
    "web_review_note_error": ("Fejl", "Error"),
    "web_review_none": ("Ikke udfyldt", "Not filled in"),
    "web_review_decided_title": ("Allerede afgjort", "Decided already"),
    "web_review_by_you": (
        "Det var dig selv – måske blev formularen sendt to gange. Intet er sket to gange.",
        "It was you – perhaps the form was sent twice. Nothing happened twice.",
    ),
    "web_review_by_other": (
        "En anden redaktør nåede det først, så din afgørelse er ikke gemt.",
        "Another editor got there first, so your decision was not saved.",
    ),
    "web_review_back": ("Tilbage til dashboardet", "Back to the dashboard"),
    # a Følg button on answers, and Send til en kollega by name (issue 17)
    "follow_offer_typed": (
        "Vil du have nyt om {topic} hver uge? Skriv “følg {topic}”.",
        "Would you like news of {topic} every week? Write “follow {topic}”.",
    ),
    "roadshow_forward_nobody": (
        "Jeg kan ikke finde nogen, der hedder “{typed}”. Tjek navnet, skriv e-mailadressen, "
        "eller skriv annuller og send invitationen selv.",
        "I cannot find anyone called “{typed}”. Check the name, write the e-mail address, or "
        "write cancel and pass the invitation on yourself.",
    ),
    "roadshow_forward_meant": (
        "Ingen hedder præcis “{typed}”. Mente du en af dem her? Ellers skriv navnet igen "
        "eller e-mailadressen.",
        "Nobody is called exactly “{typed}”. Did you mean one of these? If not, write the name "
        "again or the e-mail address.",
    ),
    "roadshow_forward_several": (
        "Flere hedder “{typed}”. Hvem af dem skal have invitationen? Er det ingen af dem, så "
        "skriv e-mailadressen.",
        "Several people are called “{typed}”. Which of them should get the invitation? If none "
        "of them, write the e-mail address.",
    ),
    "roadshow_forward_gone": (
        "Den kollega kan jeg ikke finde længere. Skriv navnet eller e-mailadressen igen.",
        "I can no longer find that colleague. Write the name or the e-mail address again.",
    ),
    # a solution's page: who uses it over time (issue 18)
    "web_users_by_month": (
        "Over tid: organisationer pr. trin og måned",
        "Over time: organisations per stage and month",
    ),
    "web_users_chart_label": (
        "Stablet søjlediagram: organisationer, der nåede hvert trin med {title}, pr. måned de "
        "seneste {months} måneder: {interested} blev interesserede, {trying} begyndte at "
        "prøve, {using} tog den i brug. Tallene står i tabellen under.",
        "Stacked bar chart: organisations reaching each stage with {title} per month over "
        "the last {months} months: {interested} became interested, {trying} started trying, "
        "{using} took it into use. The numbers are in the table below.",
    ),
    "web_users_none_lately": (
        "Ingen organisation har meldt et nyt trin det seneste år.",
        "No organisation has reported a new stage in the past year.",
    ),
    "web_month_year": ("{month} {year}", "{month} {year}"),
    "submission_changed": (
        "“{title}” er sendt igen, siden du så den. Se den nye udgave igennem, før du afgør den.",
        "“{title}” was sent again since you saw it. Look over the new version before you decide.",
    ),
    "roadshow_forward_unreachable": (
        "Jeg kan ikke skrive til {who} endnu: de har ikke brugt Spred. Send invitationen selv, "
        "eller skriv en anden kollegas navn eller e-mail.",
        "I cannot write to {who} yet: they have not used Spred. Pass the invitation on "
        "yourself, or write another colleague's name or e-mail.",
    ),
}


def say(language: str, key: str, **values: object) -> str:
    texts = TEXTS[key]
    text = texts[1] if language == "en" else texts[0]
    return text.format(**values) if values else text


def listed(language: str, items: Sequence[str], *, joined_by: str = "and") -> str:
    """Items inside a sentence: "A", "A og B", "A, B og C" (no comma before the last in
    either language); `joined_by="or"` for alternatives."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {say(language, joined_by)} {items[-1]}"


def place(language: str, organization: str, unit: str) -> str:
    """A unit in its organisation as a sentence names it: "Hjemmeplejen Vest i Odense
    Kommune" (a list writes "Odense Kommune, Hjemmeplejen Vest")."""
    return say(language, "place", unit=unit, organization=organization) if unit else organization


def month_year(language: str, day: date) -> dict[str, object]:
    """A day's month and year as a sentence names them: {"month": "marts", "year": 2026}."""
    return {"month": say(language, f"month_{day.month}"), "year": day.year}


# --- recognition (issue 17)


def genitive(language: str, name: str) -> str:
    """A name owning something: "Anna Holms", "Lars'" (Danish after s, x, z), "Anna's"."""
    if language == "en":
        return f"{name}'s"
    return f"{name}'" if name[-1:].casefold() in ("s", "x", "z") else f"{name}s"
