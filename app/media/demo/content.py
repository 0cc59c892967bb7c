"""What the demo holds: Ghanaian stories and crafts told in short narrated videos, read-aloud
eBooks (one in Twi, with a stand-in for a recording), DIY tutorials with a picture per step,
and the pictures of the picture quizzes. Each picture is a scene of scenes.py by name."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Shot:
    text: str  # what the narrator says while this scene is shown
    scene: str


@dataclass(frozen=True)
class DemoTheme:
    kind: str
    slug: str
    title: str
    colour: str
    description: str
    cover: str


@dataclass(frozen=True)
class DemoVideo:
    theme: str
    title: str
    category: str
    ages: tuple[int, int]
    tags: tuple[str, ...]
    description: str
    shots: tuple[Shot, ...]
    episode: int | None = None  # in the series "Anansi's Adventures"

    @property
    def narration(self) -> str:
        return " ".join(shot.text for shot in self.shots)


@dataclass(frozen=True)
class DemoPage:
    text: str
    scene: str


@dataclass(frozen=True)
class DemoEbook:
    theme: str
    title: str
    author: str
    level: int
    ages: tuple[int, int]
    tags: tuple[str, ...]
    description: str
    cover: str
    pages: tuple[DemoPage, ...]
    language: str = "en"
    # The voice that reads a stand-in for a person's recording (the engine cannot speak the
    # book's language); None: generated read-aloud, like every book in a spoken language.
    stand_in_voice: str | None = None


@dataclass(frozen=True)
class DemoDiy:
    theme: str
    title: str
    difficulty: str
    minutes: int
    ages: tuple[int, int]
    tags: tuple[str, ...]
    description: str
    cover: str
    materials: tuple[tuple[str, str, bool], ...]
    steps: tuple[DemoPage, ...]


SERIES = (
    "anansi-adventures",
    "Anansi's Adventures",
    "The clever spider's tales from Ghana, one short episode at a time.",
)

THEMES = (
    DemoTheme(
        "video",
        "anansi-tales",
        "Anansi tales",
        "#e65100",
        "Stories of Kwaku Anansi, the clever spider of Ghana's folktales.",
        "anansi-web",
    ),
    DemoTheme(
        "video",
        "ghana-culture",
        "Culture of Ghana",
        "#2e7d32",
        "Kente cloth from Bonwire, adinkra symbols like Sankofa, and what they mean.",
        "kente-colours",
    ),
    DemoTheme(
        "video",
        "drums-and-dance",
        "Drums and dance",
        "#6a1b9a",
        "Fontomfrom drums, talking drums and the Adowa dance of the Asante.",
        "fontomfrom",
    ),
    DemoTheme(
        "ebook",
        "ghana-folktales",
        "Folktales of Ghana",
        "#c62828",
        "Anansi, the tortoise and other clever creatures, read aloud.",
        "anansi-pot",
    ),
    DemoTheme(
        "ebook",
        "growing-things",
        "Growing things",
        "#00838f",
        "Seeds, rain and the cocoa farms of Ghana, explained for young readers.",
        "cocoa-farm",
    ),
    DemoTheme(
        "diy",
        "ghana-crafts",
        "Ghanaian crafts",
        "#f9a825",
        "Make kente weaves, adinkra stamps and drums inspired by Ghanaian art.",
        "weave-done",
    ),
)

VIDEOS = (
    DemoVideo(
        "anansi-tales",
        "How Anansi Got the Stories",
        "stories",
        (4, 8),
        ("anansi", "folktale", "nyame"),
        "Anansi wins all the world's stories from Nyame, the Sky God.",
        (
            Shot(
                "Long ago, all the stories in the world belonged to Nyame, the Sky God.", "sky-god"
            ),
            Shot("Anansi the spider wanted the stories for the people.", "anansi-web"),
            Shot("Nyame said: bring me the python, the leopard and the hornets.", "sky-god"),
            Shot("Clever Anansi caught them all with tricks and his sticky web.", "anansi-web"),
            Shot(
                "So Nyame gave him the stories, and we still call them spider stories.",
                "village-night",
            ),
        ),
        episode=1,
    ),
    DemoVideo(
        "anansi-tales",
        "Anansi Borrows a Drum",
        "stories",
        (3, 6),
        ("anansi", "drum", "festival"),
        "Anansi needs a drum for the festival and keeps his promise.",
        (
            Shot("Anansi wanted to play at the festival, but he had no drum.", "village-day"),
            Shot("He asked the tortoise, who had a big drum at home.", "tortoise-birds"),
            Shot("Anansi promised to bring it back in the morning.", "anansi-web"),
            Shot("He played all night, and the whole village danced.", "village-night"),
            Shot("In the morning he carried the drum home and said thank you.", "village-day"),
        ),
        episode=2,
    ),
    DemoVideo(
        "ghana-culture",
        "Kente Colours: Weaving a Story",
        "culture",
        (6, 10),
        ("kente", "weaving", "bonwire", "colours"),
        "Why every colour in a kente cloth means something, from gold to green.",
        (
            Shot("Kente is a cloth from Ghana, woven in long thin strips.", "kente-colours"),
            Shot("In Bonwire, near Kumasi, weavers work on wooden looms.", "kente-loom"),
            Shot(
                "Gold stands for wealth and the sun, and green for growth and harvest.",
                "kente-colours",
            ),
            Shot("Red stands for strength, and black for the ancestors.", "kente-loom"),
            Shot("The strips are sewn side by side to make one beautiful cloth.", "kente-sewn"),
        ),
    ),
    DemoVideo(
        "drums-and-dance",
        "Drumming with the Fontomfrom",
        "music",
        (5, 9),
        ("drums", "fontomfrom", "asante", "music"),
        "Meet the big drums of the Asante court, and the drums that talk.",
        (
            Shot(
                "Boom, boom! These are the fontomfrom, the big drums of the Asante court.",
                "fontomfrom",
            ),
            Shot("Each one is carved from a tree trunk and covered with skin.", "fontomfrom"),
            Shot("Drummers play them with curved sticks at festivals for the chief.", "fontomfrom"),
            Shot(
                "Talking drums copy the high and low tones of Twi, so the drums can speak.",
                "talking-drums",
            ),
        ),
    ),
    DemoVideo(
        "drums-and-dance",
        "Adowa Dance Steps",
        "dance",
        (3, 6),
        ("adowa", "dance", "asante"),
        "Learn the first steps of the graceful Adowa dance.",
        (
            Shot("Let us dance Adowa, a graceful dance of the Asante people.", "adowa"),
            Shot("Step to the left, and step to the right.", "adowa"),
            Shot("Now move your hands softly, like the wings of a bird.", "adowa"),
            Shot("In Adowa, the hands tell the story. Keep stepping with the drums.", "adowa"),
            Shot("Well done, dancer!", "village-day"),
        ),
    ),
    DemoVideo(
        "ghana-culture",
        "Adinkra Symbols and What They Mean",
        "culture",
        (9, 12),
        ("adinkra", "symbols", "sankofa"),
        "Adinkrahene, Sankofa, Dwennimmen and Nsoromma: pictures with big ideas.",
        (
            Shot(
                "Adinkra symbols are pictures with big ideas, printed on cloth with carved stamps.",
                "adinkra-wall",
            ),
            Shot("Adinkrahene, three circles, stands for greatness and leadership.", "adinkrahene"),
            Shot("Sankofa reminds us to go back and learn from the past.", "sankofa"),
            Shot("Dwennimmen, the ram's horns, means strength with humility.", "dwennimmen"),
            Shot("And Nsoromma, the star, says we are children of the heavens.", "nsoromma"),
        ),
    ),
)

EBOOKS = (
    DemoEbook(
        "ghana-folktales",
        "Anansi and the Pot of Wisdom",
        "Ama Owusu",
        2,
        (4, 8),
        ("anansi", "folktale", "wisdom"),
        "Anansi tries to keep all the wisdom in the world for himself.",
        "anansi-pot",
        (
            DemoPage(
                "Long ago, Anansi the spider gathered all the wisdom in the world.", "anansi-web"
            ),
            DemoPage("He hid it in a clay pot and climbed a tall silk cotton tree.", "anansi-pot"),
            DemoPage("His son Ntikuma laughed and said: tie the pot to your back!", "anansi-pot"),
            DemoPage("The pot fell and broke, and wisdom spread to everyone.", "wisdom-spreads"),
        ),
    ),
    DemoEbook(
        "ghana-folktales",
        "The Tortoise Who Wanted to Fly",
        "Kojo Mensah",
        1,
        (3, 6),
        ("tortoise", "birds", "folktale"),
        "Tortoise borrows feathers to fly to the feast in the sky.",
        "tortoise-flies",
        (
            DemoPage(
                "Tortoise watched the birds fly over the village every morning.", "tortoise-birds"
            ),
            DemoPage("The birds lent him one feather each for the great feast.", "tortoise-flies"),
            DemoPage(
                "Tortoise was greedy, so the birds took back their feathers.", "tortoise-flies"
            ),
            DemoPage("That is why his shell has cracks, the old people say.", "tortoise-falls"),
        ),
    ),
    DemoEbook(
        "growing-things",
        "From Cocoa Seed to Chocolate",
        "Efua Boateng",
        3,
        (8, 12),
        ("cocoa", "plants", "science", "ghana"),
        "How a cocoa seed on a farm in Ghana becomes a bar of chocolate.",
        "cocoa-farm",
        (
            DemoPage(
                "A cocoa seed is planted in the warm, wet soil of a farm in Ghana.", "seed-grows"
            ),
            DemoPage(
                "Rain softens the seed coat, and a root pushes down into the soil.", "rain-on-seed"
            ),
            DemoPage("Years later the tree grows pods, full of beans, on its trunk.", "cocoa-farm"),
            DemoPage(
                "Farmers dry the beans in the sun, then chocolate makers roast them.", "cocoa-beans"
            ),
            DemoPage("So a bar of chocolate began as a seed on a farm in Ghana.", "chocolate"),
        ),
    ),
    DemoEbook(
        "ghana-folktales",
        "Ananse ne Nyansa Kukuo",
        "Ama Owusu",
        1,
        (4, 8),
        ("anansi", "twi", "folktale"),
        "Anansi and the pot of wisdom, in Twi. Its narration is a generated stand-in for a "
        "recording by a Twi speaker, uploaded the way an editor uploads one.",
        "anansi-pot",
        (
            DemoPage("Tete no, Ananse boaboaa nyansa nyinaa guu kukuo mu.", "anansi-web"),
            DemoPage("Ɔforoo dua tenten bi, na ne ba Ntikuma serew no.", "anansi-pot"),
            DemoPage("Kukuo no bɔe, na nyansa trɛw kɔɔ wiase nyinaa.", "wisdom-spreads"),
        ),
        language="tw",
        stand_in_voice="sw",
    ),
)

DIYS = (
    DemoDiy(
        "ghana-crafts",
        "Paper Kente Weave",
        "easy",
        30,
        (5, 10),
        ("kente", "paper", "weaving"),
        "Weave paper strips over and under, like the kente weavers of Bonwire.",
        "weave-done",
        (
            ("Coloured paper", "4 sheets", False),
            ("Scissors", "1 pair", True),
            ("Glue stick", "1", False),
        ),
        (
            DemoPage("Cut slits in a green sheet, leaving a border at the top.", "weave-cut"),
            DemoPage(
                "Cut the other sheets into long strips of gold, red and black.", "weave-strips"
            ),
            DemoPage("Weave each strip over and under the slits.", "weave-under"),
            DemoPage("Glue the ends and show off your kente pattern.", "weave-done"),
        ),
    ),
    DemoDiy(
        "ghana-crafts",
        "Adinkra Potato Stamps",
        "medium",
        40,
        (7, 12),
        ("adinkra", "symbols", "printing", "sankofa"),
        "Carve an adinkra symbol such as Sankofa into a potato and print a pattern.",
        "stamp-print",
        (
            ("A potato", "1", False),
            ("A small knife", "1", True),
            ("Paint", "2 colours", False),
            ("Paper", "2 sheets", False),
        ),
        (
            DemoPage("Ask a grown-up to cut the potato in half.", "stamp-cut"),
            DemoPage("Draw an adinkra symbol such as Sankofa on the flat side.", "stamp-draw"),
            DemoPage("A grown-up carves away the potato around the symbol.", "stamp-carve"),
            DemoPage("Dip the stamp in paint and print a pattern on paper.", "stamp-print"),
        ),
    ),
    DemoDiy(
        "ghana-crafts",
        "Tin Can Talking Drum",
        "easy",
        15,
        (3, 7),
        ("drum", "music", "fontomfrom"),
        "A drum from a tin and a balloon: play high and low like a talking drum.",
        "drum-tap",
        (
            ("An empty tin", "1", False),
            ("A balloon", "1", False),
            ("Scissors", "1 pair", True),
            ("A rubber band", "1", False),
        ),
        (
            DemoPage("Find a clean empty tin and a big balloon.", "drum-tin"),
            DemoPage(
                "A grown-up cuts the neck off the balloon. Stretch it over the tin.", "drum-stretch"
            ),
            DemoPage("Tap softly, then loudly, high and low, like the fontomfrom!", "drum-tap"),
        ),
    ),
)

# The picture quizzes' choices (app/quizzes/seed.py), by scene.
QUIZ_PICTURES = (
    "gold-kente",
    "green-kente",
    "drum",
    "stone",
    "tortoise",
    "bird",
    "sankofa-symbol",
    "adinkrahene-symbol",
)
