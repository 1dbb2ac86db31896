"""Everything the bot says, in Danish (first) and English.

`say(language, key, **values)` formats one text. Values are inserted as they are: escaping
user and knowledge-base text for a platform's markup is the adapter's job.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # --- welcome and help
    "welcome": (
        "Hej {name}! Jeg er Spred. Jeg finder afprøvede løsninger fra andre offentlige "
        "organisationer – med deres målte resultater og kollegaen, der byggede dem.\n"
        "Skriv bare dit spørgsmål, fx: hvordan får vi ventetiden ned i hjemmeplejen?",
        "Hi {name}! I am Spred. I find proven solutions from other public organisations – "
        "with their measured results and the colleague who built them.\n"
        "Just type your question, e.g.: how do we cut waiting times in home care?",
    ),
    "help": (
        "Skriv et spørgsmål med dine egne ord, så viser jeg de bedste afprøvede løsninger.\n"
        "• mere – flere løsninger på dit sidste spørgsmål\n"
        "• hvem bruger <løsning> – organisationer, der bruger den, som du kan spørge\n"
        "• english – skift til engelsk\n"
        "Under hvert svar kan du kontakte kollegaen bag løsningen, fortælle at I prøver den, "
        "og sige om svaret hjalp.",
        "Ask a question in your own words and I show the best proven solutions.\n"
        "• more – more solutions for your last question\n"
        "• who uses <solution> – organisations using it, peers you can ask\n"
        "• dansk – switch to Danish\n"
        "Under each answer you can contact the colleague behind the solution, tell us you "
        "are trying it, and say whether the answer helped.",
    ),
    "help_admin": (
        "Som admin kan du også:\n"
        "• tilføj – tilføj en løsning (jeg spørger om hvert felt)\n"
        "• ret <id> <felt> – ret ét felt i en løsning\n"
        "• fjern <id> – skjul en løsning fra svarene (den bliver i databasen)\n"
        "• efterspørgsel – spørgsmål uden svar, de hyppigste først\n"
        "• feedback – hvad brugerne har sagt om svarene",
        "As an admin you can also:\n"
        "• add – add a solution (I ask for each field)\n"
        "• edit <id> <field> – change one field of a solution\n"
        "• retire <id> – hide a solution from answers (it stays in the store)\n"
        "• demand – questions without an answer, most asked first\n"
        "• feedback – what users said about the answers",
    ),
    "language_set": ("Jeg skriver dansk til dig fra nu af.", "I will write to you in English."),
    "expired": (
        "Det, vi var i gang med ({flow}), er udløbet efter 30 minutters stilhed, så jeg har "
        "lukket det. Start forfra, når du er klar.",
        "What we were doing ({flow}) expired after 30 minutes of silence, so I closed it. "
        "Start again when you are ready.",
    ),
    "flow_adding": ("tilføj løsning", "add a solution"),
    "flow_reviewing": ("udgiv løsning", "publish a solution"),
    "flow_editing": ("ret løsning", "edit a solution"),
    "flow_adoption": ("registrér brug", "report use"),
    "cancelled": ("Annulleret. Intet er gemt.", "Cancelled. Nothing was saved."),
    # --- managers
    "nudge_why_stage": (
        "{name} har meldt, at {unit} {stage} “{title}”.",
        "{name} reported that {unit} is {stage} “{title}”.",
    ),
    "nudge_why_intro": (
        "{name} har bedt om at komme i kontakt med dem bag “{title}”.",
        "{name} asked to be put in touch with the people behind “{title}”.",
    ),
    "nudge_why_group": (
        "{count} i din enhed har spurgt til løsningen inden for {days} dage.",
        "{count} people in your unit asked about the solution within {days} days.",
    ),
    "nudge": (
        "{members} har vist interesse for “{title}” fra {origin} ({result}; organisationer, "
        "der allerede bruger den: {using}).\n"
        "• Hvad skal ændres, for at den virker i jeres hverdag?\n"
        "• Hvem prøver den først?\n"
        "• Hvilket rum for læring og tilpasning giver I?",
        "{members} showed interest in “{title}” from {origin} ({result}; organisations "
        "already using it: {using}).\n"
        "• What must change for it to work in your daily practice?\n"
        "• Who tries it first?\n"
        "• What room for learning and adaptation do you give?",
    ),
    "nudge_footer": (
        "Hvorfor du får denne besked: {reason} Du får højst én om hver løsning pr. {days} dage.",
        "Why you get this message: {reason} You get at most one per solution per {days} days.",
    ),
    "follow_up": (
        "For {days} dage siden planlagde I at tilpasse “{title}”: {change}. Hvordan gik det?",
        "{days} days ago you planned to adapt “{title}”: {change}. How did it go?",
    ),
    "act_plan": ("Planlæg en tilpasning", "Plan an adaptation"),
    "act_talk": ("Tal med ophavspersonen", "Talk to the originator"),
    "act_not_relevant": ("Ikke relevant nu", "Not relevant now"),
    "act_remind": ("Mind mig om to uger", "Remind me in two weeks"),
    "act_opt_out": ("Ingen flere påmindelser", "No more prompts"),
    "act_report": ("Fortæl hvordan det gik", "Tell how it went"),
    "act_not_started": ("Ikke startet endnu", "Not started yet"),
    "act_dropped": ("Vi droppede den", "We dropped it"),
    "plan_change": (
        "Hvad ændrer I, for at “{title}” passer til jeres hverdag?",
        "What do you change so that “{title}” fits your daily practice?",
    ),
    "plan_who": ("Hvem prøver den først?", "Who tries it first?"),
    "plan_when": ("Hvornår starter I?", "When do you start?"),
    "plan_saved": (
        "Planen er gemt. Jeg spørger, hvordan det gik, om {days} dage.",
        "The plan is saved. I will ask how it went in {days} days.",
    ),
    "plan_empty": (
        "Skriv et par ord (højst 500 tegn).",
        "Write a few words (at most 500 characters).",
    ),
    "report_prompt": (
        "Hvad tilpassede I, og hvordan gik det? Tal er velkomne (fx: ventetiden faldt fra 5 "
        "til 2 dage).",
        "What did you adapt, and how did it go? Figures are welcome (e.g. waiting time fell "
        "from 5 to 2 days).",
    ),
    "adaptation_saved": (
        "Tak! Andre ser nu: “{line}”",
        "Thank you! Others now see: “{line}”",
    ),
    "adaptation_line": ("Tilpasset i {place}: {text}", "Adapted in {place}: {text}"),
    "nudge_dismissed": ("Forstået – jeg lader den ligge.", "Understood – I will leave it."),
    "nudge_snoozed": ("Jeg minder dig om den om to uger.", "I will remind you in two weeks."),
    "opted_out": (
        "Du får ikke flere påmindelser fra Spred. Skriv “påmindelser til” for at få dem igen.",
        "You will get no more prompts from Spred. Write “prompts on” to get them again.",
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
        "Den påmindelse er allerede besvaret – der er ikke mere at gøre ved den.",
        "That prompt has already been answered – there is nothing more to do with it.",
    ),
    "plan_too_long": (
        "Det var {length} tegn; skriv det kortere, højst {most} tegn.",
        "That was {length} characters; write it shorter, at most {most}.",
    ),
    "manager_set": (
        "{person} har nu {manager} som leder.",
        "{person} now has {manager} as manager.",
    ),
    "own_manager": (
        "{person} kan ikke være sin egen leder. Skriv lederens navn.",
        "{person} cannot be their own manager. Write the manager's name.",
    ),
    "several_called": (
        "Flere hedder “{name}”: {people}. Skriv det fulde navn eller id'et.",
        "Several people are called “{name}”: {people}. Write the full name or the id.",
    ),
    "nobody_called": (
        "Ingen i personkartoteket hedder “{name}”. Importér folk med spred import-people.",
        "Nobody in the people directory is called “{name}”. Import people with spred "
        "import-people.",
    ),
    "flow_planning": ("planlæg tilpasning", "plan an adaptation"),
    "flow_reporting": ("fortæl om tilpasning", "report an adaptation"),
    # --- a user's own page
    "home_intro": (
        "Spørg Spred om afprøvede løsninger fra andre offentlige organisationer: skriv til "
        "mig her, nævn mig i en kanal, eller brug /spred <spørgsmål>.",
        "Ask Spred for proven solutions from other public organisations: write to me here, "
        "mention me in a channel, or use /spred <question>.",
    ),
    "home_recent": ("\nDine seneste spørgsmål:", "\nYour recent questions:"),
    "home_following": ("\nLøsninger I følger:", "\nSolutions you follow:"),
    "home_prompts": (
        "\nLøsninger dine medarbejdere har vist interesse for (planlæg en tilpasning):",
        "\nSolutions your people showed interest in (plan an adaptation):",
    ),
    "home_waiting": (
        "\nDine spørgsmål, der venter på en løsning:",
        "\nYour questions waiting for a solution:",
    ),
    # --- asking
    "empty": (
        "Skriv dit spørgsmål med ord, fx: hvordan mindsker vi sygefraværet?",
        "Type your question in words, e.g.: how do we reduce sick leave?",
    ),
    "no_words": (
        "Jeg kunne ikke finde nogen ord at søge efter i det. Prøv med et par ord om problemet.",
        "I could not find any words to search for in that. Try a few words about the problem.",
    ),
    "answers": (
        "Afprøvede løsninger på “{question}”:",
        "Proven solutions for “{question}”:",
    ),
    # A near miss, or words the knowledge base puts differently: say which words no answer
    # shown covers, rather than let the answers pass for a match on them.
    "answers_unexplained": (
        "Afprøvede løsninger på “{question}” – ingen af dem nævner {words}:",
        "Proven solutions for “{question}” – none of them mention {words}:",
    ),
    "answer_unexplained": (
        "En afprøvet løsning på “{question}” – den nævner ikke {words}:",
        "A proven solution for “{question}” – it does not mention {words}:",
    ),
    "or": ("eller", "or"),
    "more_answers": ("Flere løsninger på “{question}”:", "More solutions for “{question}”:"),
    "no_more": (
        "Der er ikke flere gode match på “{question}”. Prøv at formulere det på en anden måde.",
        "There are no more good matches for “{question}”. Try putting it another way.",
    ),
    "nothing_to_continue": (
        "Stil et spørgsmål først, så kan jeg vise flere svar på det.",
        "Ask a question first; then I can show more answers to it.",
    ),
    "no_match": (
        "Jeg kender ingen afprøvet løsning på “{question}” endnu. Jeg har noteret "
        "spørgsmålet, så det tæller med som efterspørgsel.",
        "I know no proven solution for “{question}” yet. I have noted the question, so it "
        "counts as demand.",
    ),
    "notify_me": ("Giv mig besked, når der kommer en", "Tell me when one arrives"),
    "will_notify": (
        "Det gør jeg. Du hører fra mig, når en løsning matcher dit spørgsmål.",
        "I will. You will hear from me when a solution matches your question.",
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
    "why": ("Matchede: {words}", "Matched: {words}"),
    "adopters": ("Bruges af {count}: {names}", "Used by {count}: {names}"),
    # --- card labels and statuses
    "status_pilot": ("pilot", "pilot"),
    "status_proven": ("afprøvet", "proven"),
    "status_scaled": ("udbredt", "scaled"),
    "label_problem": ("Problem", "Problem"),
    "label_how": ("Sådan virker den", "How it works"),
    "label_results": ("Resultater", "Results"),
    "label_contacts": ("Kontakt", "Contacts"),
    "label_sponsors": ("Bakket op af", "Backed by"),
    "label_adopters": ("Bruges af", "Used by"),
    # --- actions
    "act_details": ("Detaljer", "Details"),
    "act_contact": ("Kontakt {name}", "Contact {name}"),
    "act_try": ("Vi prøver den", "We will try it"),
    "act_use": ("Vi bruger den nu", "We use it now"),
    "act_more": ("Vis flere", "Show more"),
    "act_helpful": ("Svaret hjalp", "This helped"),
    "act_not_helpful": ("Hjalp ikke", "Did not help"),
    "act_publish": ("Udgiv", "Publish"),
    "act_cancel": ("Annullér", "Cancel"),
    # --- connect
    "introduced": (
        "Du kan kontakte {name}{role} hos {organization}: {email}.{direct}",
        "You can contact {name}{role} at {organization}: {email}.{direct}",
    ),
    "introduced_direct": (
        " Jeg har fortalt {name}, at du spørger om “{title}”, så du kan også forvente at "
        "høre fra {name} her.",
        " I told {name} you are asking about “{title}”, so you may also hear from them here.",
    ),
    "introduced_email_only": (
        " {name} er ikke på {platform} med Spred, så skriv en mail.",
        " {name} is not on {platform} with Spred, so send an email.",
    ),
    "introduction_notice": (
        "{asker}{origin} vil gerne høre om jeres løsning “{title}”.{reach}",
        "{asker}{origin} would like to hear about your solution “{title}”.{reach}",
    ),
    "introduction_reach": (" Skriv til {asker} på {email}.", " Write to {asker} at {email}."),
    "no_email": ("(ingen e-mail oplyst)", "(no email given)"),
    # --- adopt
    "ask_organization": (
        "Hvilken organisation og enhed er du fra? Skriv fx: Aarhus Kommune, Hjemmeplejen Nord",
        "Which organisation and unit are you from? Write e.g.: Aarhus Kommune, Home care North",
    ),
    "organization_empty": (
        "Skriv navnet på din organisation (højst 200 tegn), og evt. enheden efter et komma.",
        "Write the name of your organisation (at most 200 characters), and your unit after a "
        "comma if you like.",
    ),
    "stage_interested": ("interesseret", "interested"),
    "stage_piloting": ("prøver den", "piloting"),
    "stage_adopted": ("bruger den", "using it"),
    "adopted": (
        "Noteret: {organization} står nu som “{stage}” for “{title}”. Tak – det hjælper andre "
        "at se, hvem der bruger en løsning.{told}",
        "Noted: {organization} is now “{stage}” for “{title}”. Thank you – it helps others "
        "to see who uses a solution.{told}",
    ),
    "adopted_told": (" Jeg har fortalt {names}.", " I told {names}."),
    "adoption_already": (
        "{organization} står allerede som “{stage}” for “{title}”.",
        "{organization} is already recorded as “{stage}” for “{title}”.",
    ),
    "adoption_notice": (
        "{organization} står nu som “{stage}” for jeres løsning “{title}” (meldt af {user}). "
        "Godt gået – det er sådan, gode løsninger spredes.",
        "{organization} is now “{stage}” for your solution “{title}” (reported by {user}). "
        "Well done – this is how good solutions spread.",
    ),
    # --- who uses
    "who_uses": ("Disse bruger “{title}” – spørg dem:", "These use “{title}” – ask them:"),
    "who_uses_none": (
        "Ingen har meldt, at de bruger “{title}” endnu. Kontakt {contact}, der byggede den.",
        "Nobody has reported using “{title}” yet. Contact {contact}, who built it.",
    ),
    "who_uses_unknown": (
        "Jeg kender ingen løsning, der passer til “{text}”. Skriv fx: hvem bruger hurtig "
        "opstart i hjemmeplejen",
        "I know no solution that fits “{text}”. Write e.g.: who uses quick start in home care",
    ),
    "adopter_line": (
        "• {organization}{unit} – {stage} ({user})",
        "• {organization}{unit} – {stage} ({user})",
    ),
    # --- feedback
    "thanks_feedback": (
        "Tak! Det hjælper os med at gøre svarene bedre.",
        "Thank you! That helps us make the answers better.",
    ),
    "not_helpful": (
        "Tak. Jeg har noteret “{question}” som et behov, der ikke er dækket endnu, så det "
        "tæller med som efterspørgsel.",
        "Thank you. I have noted “{question}” as a need not met yet, so it counts as demand.",
    ),
    "thanks_choice": (
        "Tak – det husker jeg til næste gang, nogen spørger sådan.",
        "Thanks – I will remember that the next time someone asks like that.",
    ),
    # --- demand answered
    "demand_answered": (
        "Du spurgte om “{question}”. Nu er der en afprøvet løsning:",
        "You asked about “{question}”. There is now a proven solution:",
    ),
    # --- stale or bad buttons
    "internal_error": (
        "Beklager, noget gik galt hos mig. Prøv igen om lidt; virker det stadig ikke, så "
        "sig det til den, der driver Spred.",
        "Sorry, something went wrong on my side. Try again in a moment; if it still fails, "
        "tell whoever runs Spred.",
    ),
    "unknown_action": (
        "Den knap forstår jeg ikke (den kan være fra en ældre besked). Stil dit spørgsmål igen.",
        "I do not understand that button (it may be from an older message). Ask your "
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
        "Det kan kun admins. Bed en af Spreds admins om hjælp, eller om at blive admin "
        "(SPRED_ADMINS).",
        "Only admins can do that. Ask one of Spred's admins for help, or to be made an "
        "admin (SPRED_ADMINS).",
    ),
    "add_start": (
        "Lad os tilføje en løsning. Jeg spørger om ét felt ad gangen; skriv “annullér” for at "
        "stoppe, og “-” for at springe et valgfrit felt over.",
        "Let us add a solution. I ask for one field at a time; write “cancel” to stop, and "
        "“-” to skip an optional field.",
    ),
    "optional": ("(valgfri – “-” springer over)", "(optional – “-” skips)"),
    "field_required": ("Det felt skal udfyldes.", "This field is required."),
    "field_invalid": ("Det kan jeg ikke bruge: {problem}", "I cannot use that: {problem}"),
    "field_number": (
        "Skriv et tal, fx 12 eller 12,5 (eller “-” hvis det ikke er målt).",
        "Write a number, e.g. 12 or 12.5 (or “-” if it was not measured).",
    ),
    "field_email": (
        "Skriv en e-mailadresse som navn@kommune.dk.",
        "Write an email address like name@municipality.dk.",
    ),
    "field_too_long": (
        "Det er {length} tegn; højst {limit} er tilladt.",
        "That is {length} characters; at most {limit} are allowed.",
    ),
    "need_number": (
        "Mindst ét af tallene (før eller efter) skal være målt: guiden beder om "
        "dokumenterede resultater. Hvad var tallet før?",
        "At least one of the figures (before or after) must be measured: the guide asks for "
        "documented results. What was the figure before?",
    ),
    "preview": (
        "Sådan kommer løsningen til at se ud. Udgiv den?",
        "This is how the solution will look. Publish it?",
    ),
    "nothing_to_publish": (
        "Der er ingen kladde at udgive (den er udgivet, annulleret eller udløbet). Skriv "
        "“tilføj” for at begynde forfra.",
        "There is no draft to publish (it was published, cancelled or expired). Write “add” "
        "to start again.",
    ),
    "published": (
        "“{title}” er udgivet (id: {id}). Den næste, der spørger, kan finde den.",
        "“{title}” is published (id: {id}). The next person who asks can find it.",
    ),
    "publish_failed": (
        "Løsningen kunne ikke gemmes: {problem}. Intet er udgivet; prøv igen om lidt.",
        "The solution could not be saved: {problem}. Nothing was published; try again shortly.",
    ),
    "draft_invalid": (
        "Løsningen er ikke gyldig endnu:\n{problems}",
        "The solution is not valid yet:\n{problems}",
    ),
    "edit_usage": (
        "Skriv: ret <id> <felt>. Felter: {fields}",
        "Write: edit <id> <field>. Fields: {fields}",
    ),
    "edit_no_solution": (
        "Der er ingen løsning med id “{id}”. Id'et står under hver løsnings detaljer.",
        "There is no solution with id “{id}”. The id is shown in each solution's details.",
    ),
    "edit_prompt": (
        "Nuværende {field}: {value}\nSkriv den nye værdi (eller “annullér”).",
        "Current {field}: {value}\nWrite the new value (or “cancel”).",
    ),
    "edited": ("“{title}” er opdateret ({field}).", "“{title}” is updated ({field})."),
    "retired": (
        "“{title}” er trukket tilbage: den vises ikke i svar, men bliver i databasen og i "
        "eksporten.",
        "“{title}” is retired: it is not shown in answers, but stays in the store and in exports.",
    ),
    "demand_list": (
        "Spørgsmål uden svar, hyppigste først:",
        "Questions without an answer, most asked first:",
    ),
    "demand_none": ("Ingen åben efterspørgsel.", "No open demand."),
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
}


def say(language: str, key: str, **values: object) -> str:
    texts = TEXTS[key]
    text = texts[1] if language == "en" else texts[0]
    return text.format(**values) if values else text
