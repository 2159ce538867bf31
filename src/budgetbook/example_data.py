"""Swedish example content for the filled example returns and the benchmark's
rounds: investment projects, indicators, risks, controls and short comments."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ExampleProject:
    name: str
    category: str  # preferred asset category code
    ongoing: bool
    total: int  # tkr over the four plan years
    shares: tuple[float, ...]  # share of `total` per plan year
    description: str
    spent: int = 0  # tkr already spent (ongoing projects)


PROJECTS: tuple[ExampleProject, ...] = (
    ExampleProject(
        "Markförvärv för verksamhetsområde Norra",
        "MARK",
        True,
        6000,
        (0.7, 0.3, 0.0, 0.0),
        "Strategiskt markförvärv för framtida verksamhetsområde enligt översiktsplanen. "
        "Marken skrivs inte av.",
        spent=4500,
    ),
    ExampleProject(
        "Trygghetskameror i centrala stråk",
        "INV",
        False,
        1500,
        (0.6, 0.4, 0.0, 0.0),
        "Kameror vid stationsområdet och centrumstråket efter samråd med polisen.",
    ),
    ExampleProject(
        "Nytt ärendehanteringssystem",
        "SYS",
        True,
        3600,
        (0.5, 0.5, 0.0, 0.0),
        "Upphandlat system för diarium och ärendehantering; driftstart hösten "
        "det andra planåret. Ersätter två äldre system.",
        spent=1200,
    ),
    ExampleProject(
        "Bärbara datorer och skärmar, utbyte",
        "IT",
        False,
        2400,
        (0.4, 0.2, 0.2, 0.2),
        "Löpande utbyte av datorer och skärmar som är äldre än tre år.",
    ),
    ExampleProject(
        "Ventilation i kommunhuset, etapp 2",
        "BYGG",
        True,
        8200,
        (0.5, 0.5, 0.0, 0.0),
        "Byte av ventilationsaggregat i kommunhusets södra del. Etapp 1 blev klar "
        "under föregående år.",
        spent=5200,
    ),
    ExampleProject(
        "Reservkraft för krisledningsplats",
        "INV",
        True,
        1800,
        (0.6, 0.4, 0.0, 0.0),
        "Reservkraftaggregat så att krisledningen kan arbeta vid längre elavbrott. "
        "Upphandlingen är klar; installation under budgetåret.",
        spent=600,
    ),
    ExampleProject(
        "Mötesrumsteknik",
        "IT",
        False,
        900,
        (0.5, 0.5, 0.0, 0.0),
        "Skärmar och konferensutrustning i tolv mötesrum för digitala möten.",
    ),
    ExampleProject(
        "E-arkiv, anslutning av fler system",
        "SYS",
        True,
        1600,
        (0.5, 0.25, 0.25, 0.0),
        "Fortsatt anslutning av verksamhetssystem till kommunens e-arkiv.",
        spent=2400,
    ),
)


@dataclass(frozen=True, slots=True)
class ExampleIndicator:
    name: str
    source: str
    values: tuple[str, str]
    target: str
    comment: str
    topics: tuple[str, ...] = ()  # words of the goal it serves, to place it sensibly


INDICATORS: tuple[ExampleIndicator, ...] = (
    ExampleIndicator(
        "Andel medarbetare som känner sig trygga på arbetsplatsen (%)",
        "Medarbetarenkät",
        ("84", "86"),
        "90",
        "Mäts i den årliga medarbetarenkäten.",
        ("trygg",),
    ),
    ExampleIndicator(
        "Handläggningstid för planbesked, dagar (median)",
        "Ärendesystemet",
        ("118", "104"),
        "90",
        "Ny rutin för tidigt samråd införs under våren.",
        ("tillväxt", "näringsliv", "etabler"),
    ),
    ExampleIndicator(
        "Prognossäkerhet vid delårsrapport, avvikelse i %",
        "Ekonomisystemet",
        ("2,4", "1,8"),
        "1,0",
        "Gemensamma prognosmöten med verksamheterna varje månad.",
        ("ekonomi",),
    ),
    ExampleIndicator(
        "Andel fossilfria tjänstebilar (%)",
        "Fordonsregistret",
        ("61", "72"),
        "85",
        "Fyra bilar byts ut under året.",
        ("miljö", "klimat"),
    ),
    ExampleIndicator(
        "Sjukfrånvaro, andel av ordinarie arbetstid (%)",
        "Lönesystemet",
        ("6,1", "5,7"),
        "5,0",
        "Tidiga insatser via företagshälsovården.",
        ("ekonomi", "styrning"),
    ),
    ExampleIndicator(
        "Andel beslutade investeringar som genomförs enligt tidplan (%)",
        "Portföljkontoret",
        ("68", "74"),
        "85",
        "Följs upp i portföljrådet varje kvartal.",
        ("ekonomi", "styrning"),
    ),
)


@dataclass(frozen=True, slots=True)
class ExampleRisk:
    description: str
    positive: int
    negative: int
    comment: str


RISKS: tuple[ExampleRisk, ...] = (
    ExampleRisk(
        "Löneavtal över budgeterad nivå", 0, 450, "Varje procentenhet motsvarar cirka 450 tkr."
    ),
    ExampleRisk(
        "Vakanser under rekryteringstid",
        300,
        0,
        "Erfarenhetsmässigt tar rekryteringar 4–6 månader.",
    ),
    ExampleRisk("Högre priser på konsulttjänster", 0, 250, "Ramavtalet indexregleras i april."),
    ExampleRisk(
        "Riktade statsbidrag över budgeterad nivå", 400, 0, "Beslut om nivån väntas under våren."
    ),
    ExampleRisk(
        "Ökade licenskostnader för system", 0, 350, "Leverantören har aviserat nya prismodeller."
    ),
    ExampleRisk("Lägre energipriser än budgeterat", 200, 0, "Avser lokalerna i kommunhuset."),
    # sixteen in all: two per avdelning of the example, none repeated (review: the same
    # grant under three avdelningar was counted three times in the total)
    ExampleRisk("Högre pensionskostnader", 0, 300, "Enligt KPA:s senaste prognos."),
    ExampleRisk(
        "Försenad upphandling av ramavtal", 0, 200, "Nuvarande avtal kan förlängas ett år."
    ),
    ExampleRisk(
        "Ökad efterfrågan på utbildningsinsatser", 0, 150, "Beror på antalet nyanställda chefer."
    ),
    ExampleRisk("Lägre kostnader för resor", 100, 0, "Fler möten hålls digitalt."),
    ExampleRisk("Högre hyra efter omförhandling", 0, 400, "Hyresavtalet löper ut vid årsskiftet."),
    ExampleRisk(
        "Sjukfrånvaro över förväntad nivå", 0, 250, "Vikarier behövs i kundnära uppgifter."
    ),
    ExampleRisk("Intäkter från tjänsteförsäljning", 150, 0, "Avtal med grannkommunen förlängs."),
    ExampleRisk("Kostnader för valet", 0, 200, "Ersättning till valförrättare höjs."),
    ExampleRisk(
        "Räntenivå lägre än budgeterat",
        250,
        0,
        "Påverkar kapitalkostnaderna för nya investeringar.",
    ),
    ExampleRisk("Ökade kostnader för informationssäkerhet", 0, 300, "Nya krav väntas under året."),
)


@dataclass(frozen=True, slots=True)
class ExampleControl:
    riskomrade: str
    risk: str
    riskvarde: int
    kontrollmetod: str
    tidpunkt: str


CONTROLS: tuple[ExampleControl, ...] = (
    ExampleControl(
        "Inköp",
        "Inköp görs utanför gällande ramavtal",
        9,
        "Stickprov på 20 leverantörsfakturor per tertial",
        "Delårsrapport",
    ),
    ExampleControl(
        "Attest",
        "Attestreglementet följs inte vid representation",
        6,
        "Granskning av samtliga representationsfakturor över 5\u00a0000 kr",
        "Årsredovisning",
    ),
    ExampleControl(
        "Informationssäkerhet",
        "Behörigheter tas inte bort när anställda slutar",
        8,
        "Avstämning av behörighetslistor mot personalsystemet två gånger per år",
        "Tertialrapport",
    ),
    ExampleControl(
        "Personal",
        "Arbetstidsregler följs inte vid övertid",
        6,
        "Kontroll av övertidsuttag per medarbetare varje månad",
        "Löpande",
    ),
)


def change_comment(kind: str, diff: int, rng: random.Random) -> str:
    up = diff > 0
    if kind == "revenue":
        options = (
            ("Högre intäkter från försäljning av tjänster till andra förvaltningar.", True),
            ("Statsbidraget för året är beslutat och högre än tidigare.", True),
            ("Tillfälligt projektbidrag upphör.", False),
            ("Färre uppdrag åt de kommunala bolagen.", False),
        )
    else:
        options = (
            ("Löneöversyn och en ny tjänst som utredare.", True),
            ("Kostnaden för det nya systemet tillkommer från budgetåret.", True),
            ("Uppdraget flyttas från en annan avdelning enligt KS beslut.", True),
            ("Konsultinsatser ersätts av egen personal.", False),
            ("Effektivisering enligt kommunfullmäktiges beslut om ram.", False),
            ("Hyresavtalet för externa lokaler sägs upp.", False),
        )
    fitting = [text for text, direction in options if direction == up]
    return rng.choice(fitting)


def uppdrag_comment(status: str, rng: random.Random) -> str:
    by_status = {
        "Klar": (
            "Redovisat för kommunstyrelsen; uppdraget är avslutat.",
            "Genomfört enligt plan och återrapporterat.",
        ),
        "Påbörjad": (
            "Arbetet pågår; en första redovisning lämnas till kommunstyrelsen under hösten.",
            "Projektgrupp är tillsatt och en tidplan är beslutad.",
        ),
        "Ej påbörjad": ("Arbetet startar när budgeten för året är beslutad.",),
    }
    return rng.choice(by_status.get(status, ("",)))
