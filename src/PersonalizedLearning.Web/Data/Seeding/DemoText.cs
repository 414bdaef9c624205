namespace PersonalizedLearning.Web.Data.Seeding;

/// <summary>A teacher of the demo district: who, where, whether an advisor, and the sections taught.</summary>
internal sealed record StaffSeed(
    string FirstName, string LastName, string Title, bool HighSchool, bool Advisor, string Subject,
    (string Course, int Count)[] Sections, string? Email = null);

/// <summary>A plan goal template: the learning goal (or "MATH") whose standards it links to.</summary>
internal sealed record GoalSeed(string Title, string WhyItMatters, string Strategy, string Target);

/// <summary>The fixed, synthetic names and phrases of the demo district. Any likeness to real people is chance.</summary>
internal static class DemoText
{
    public const string StudentEmail = "maya.ortiz@students.cedarvalley.example";
    public const string TeacherEmail = "teacher@cedarvalley.example";
    public const string AdvisorEmail = "advisor@cedarvalley.example";
    public const string GuardianEmail = "parent@cedarvalley.example";
    public const string PrincipalEmail = "principal@cedarvalley.example";
    public const string AdminEmail = "admin@cedarvalley.example";
    public const string StaffDomain = "cedarvalley.example";
    public const string StudentDomain = "students.cedarvalley.example";
    public const string FamilyDomain = "families.example";

    /// <summary>12 middle-school and 18 high-school teachers; 25 are advisors. Core courses have three sections each.</summary>
    public static readonly StaffSeed[] Teachers =
    [
        new("Daniel", "Kim", "Mr.", false, false, "Math", [("Math 7", 3), ("Math 8", 2)], TeacherEmail),
        new("Grace", "Okafor", "Ms.", false, true, "Math", [("Math 6", 3), ("Math 8", 1)]),
        new("Rosa", "Alvarez", "Ms.", false, true, "Science", [("Science 7", 3), ("Science 6", 2)], AdvisorEmail),
        new("Tomás", "Herrera", "Mr.", false, true, "Science", [("Science 8", 3), ("Science 6", 1)]),
        new("Hannah", "Brooks", "Ms.", false, true, "ELA", [("ELA 6", 3), ("ELA 7", 2)]),
        new("Samuel", "Osei", "Mr.", false, true, "ELA", [("ELA 8", 3), ("ELA 7", 1)]),
        new("Linh", "Tran", "Ms.", false, true, "Social", [("Social Studies 6", 3), ("Social Studies 7", 2)]),
        new("Robert", "Haines", "Mr.", false, true, "Social", [("Social Studies 8", 3), ("Social Studies 7", 1)]),
        new("Lucía", "Mendoza", "Ms.", false, true, "Spanish", [("Spanish", 5)]),
        new("Aaron", "Feld", "Mr.", false, true, "Art", [("Art", 4)]),
        new("Keisha", "Warren", "Ms.", false, true, "PE", [("PE & Health", 5)]),
        new("Nikhil", "Rao", "Mr.", false, true, "Computing", [("Computer Science", 4)]),
        new("Sarah", "Lindqvist", "Ms.", true, true, "Math", [("Algebra I", 3), ("Geometry", 1)]),
        new("Kevin", "Boateng", "Mr.", true, true, "Math", [("Geometry", 2), ("Algebra II", 2)]),
        new("Mei", "Chen", "Ms.", true, false, "Math", [("Algebra II", 1), ("Precalculus", 3)]),
        new("Jonathan", "Price", "Mr.", true, true, "ELA", [("English 9", 3), ("English 10", 1)]),
        new("Ana", "Beltrán", "Ms.", true, true, "ELA", [("English 10", 2), ("English 11", 2)]),
        new("Olivia", "Grant", "Ms.", true, true, "ELA", [("English 11", 1), ("English 12", 3)]),
        new("Hassan", "Farah", "Mr.", true, true, "Science", [("Biology", 3), ("Chemistry", 1)]),
        new("Emily", "Novak", "Ms.", true, true, "Science", [("Chemistry", 2), ("Physics", 2)]),
        new("Carlos", "Ibarra", "Mr.", true, true, "Science", [("Physics", 1), ("Environmental Science", 3)]),
        new("Marcus", "Reed", "Mr.", true, false, "Social", [("World History", 3), ("US History", 1)], DemoDistrict.DualRoleEmail),
        new("Dana", "Whitaker", "Ms.", true, true, "Social", [("US History", 2), ("Government", 2)]),
        new("Jamal", "Carter", "Mr.", true, true, "Social", [("Government", 1), ("Economics", 3)]),
        new("Isabel", "Romero", "Ms.", true, true, "Spanish", [("Spanish I", 3), ("Spanish II", 2)]),
        new("Peter", "Yoon", "Mr.", true, true, "Art", [("Art", 4)]),
        new("Naomi", "Fischer", "Ms.", true, false, "Music", [("Music", 4)]),
        new("Derek", "Holm", "Mr.", true, false, "PE", [("PE & Health", 5)]),
        new("Fatima", "Siddiqui", "Ms.", true, true, "Computing", [("Computer Science", 4)]),
        new("Ruth", "Adler", "Ms.", true, true, "Careers", [("Career Pathways", 4)]),
    ];

    /// <summary>The four core courses of each grade (math, English, science, social studies).</summary>
    public static string[] CoreCourses(int grade) => grade switch
    {
        <= 8 => [$"Math {grade}", $"ELA {grade}", $"Science {grade}", $"Social Studies {grade}"],
        9 => ["Algebra I", "English 9", "Biology", "World History"],
        10 => ["Geometry", "English 10", "Chemistry", "US History"],
        11 => ["Algebra II", "English 11", "Physics", "Government"],
        _ => ["Precalculus", "English 12", "Environmental Science", "Economics"],
    };

    public static readonly string[] SpanishFirstNames =
    [
        "Sofía", "Valentina", "Camila", "Isabella", "Lucía", "Mariana", "Ximena", "Daniela", "Gabriela", "Natalia",
        "Valeria", "Renata", "Paola", "Adriana", "Alejandra", "Fernanda", "Andrea", "Carolina", "Jimena", "Regina",
        "Guadalupe", "Itzel", "Yaretzi", "Abril", "Luciana", "Mateo", "Santiago", "Sebastián", "Diego", "Emiliano",
        "Leonardo", "Alejandro", "Gabriel", "Javier", "Miguel", "Carlos", "Luis", "Jorge", "Andrés", "Adrián",
        "Julián", "Tomás", "Nicolás", "Rafael", "Eduardo", "Ángel", "Joaquín", "Iker", "Marco", "Héctor",
    ];

    public static readonly string[] OtherFirstNames =
    [
        "Emma", "Olivia", "Ava", "Mia", "Harper", "Amelia", "Aaliyah", "Zoe", "Chloe", "Grace", "Nora", "Hannah",
        "Layla", "Aisha", "Fatima", "Amara", "Priya", "Ananya", "Mei", "Hana", "Yuna", "Linh", "Mai", "Nadia",
        "Sara", "Leah", "Imani", "Jada", "Kiara", "Naomi", "Ruby", "Stella", "Ivy", "Zara", "Sana", "Nasra",
        "Hodan", "Seo-yeon", "Chidinma", "Elif", "Liam", "Noah", "Oliver", "Elijah", "James", "Lucas", "Henry",
        "Ethan", "Owen", "Caleb", "Isaiah", "Jamal", "Malik", "Darius", "Omar", "Yusuf", "Ahmed", "Arjun", "Rohan",
        "Dev", "Kenji", "Minh", "Bao", "Tuan", "Kwame", "Kofi", "Tariq", "Samuel", "Wyatt", "Jack", "Leo", "Ezra",
        "Miles", "Xavier", "Andre", "Theo", "Finn", "Kai", "Ravi", "Ibrahim", "Hamza", "Abdi", "Ayaan", "Wei",
        "Jun", "Tobias", "Aiden", "Jayden", "Elena", "Julia",
    ];

    /// <summary>Spanish surnames; "Ortiz" is left out so that the demo family's name stays unique.</summary>
    public static readonly string[] SpanishLastNames =
    [
        "García", "Martínez", "Rodríguez", "Hernández", "López", "González", "Pérez", "Sánchez", "Ramírez", "Torres",
        "Flores", "Rivera", "Gómez", "Díaz", "Reyes", "Morales", "Cruz", "Gutiérrez", "Chávez", "Ramos", "Ruiz",
        "Vargas", "Castillo", "Jiménez", "Moreno", "Romero", "Medina", "Aguilar", "Vega", "Castro", "Delgado",
        "Navarro", "Rojas", "Salazar", "Guerrero", "Cortés", "Fuentes", "Espinoza", "Núñez", "Alvarado", "Soto",
        "Domínguez", "Cabrera", "Campos", "Luna", "Estrada", "Zamora", "Valdez", "Orozco", "Sandoval",
    ];

    public static readonly string[] OtherLastNames =
    [
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor", "Thomas",
        "Moore", "Jackson", "Martin", "Lee", "Thompson", "White", "Harris", "Clark", "Lewis", "Robinson", "Walker",
        "Young", "Allen", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson", "Hill", "Campbell",
        "Mitchell", "Roberts", "Nguyen", "Tran", "Pham", "Le", "Park", "Choi", "Wang", "Li", "Zhang", "Liu",
        "Patel", "Shah", "Singh", "Kumar", "Reddy", "Iyer", "Khan", "Ali", "Hassan", "Mohamed", "Yusuf", "Okonkwo",
        "Adeyemi", "Mensah", "Owusu", "Nowak", "Kowalski", "Schmidt", "Müller", "O'Brien", "Murphy", "Sullivan",
        "Kelly", "Cohen", "Levy", "Yamamoto", "Tanaka", "Sato", "Vang", "Xiong", "Lor", "Thao", "Begay", "Yazzie",
        "Jensen", "Larsen", "Olson", "Peterson", "Demir", "Haddad", "Abdullah", "Bui", "Dang",
    ];

    public static readonly string[] SpanishAdultFirstNames =
    [
        "María", "José", "Ana", "Juan", "Carmen", "Francisco", "Patricia", "Ricardo", "Verónica", "Alejandro",
        "Claudia", "Fernando", "Silvia", "Jorge", "Leticia", "Raúl", "Beatriz", "Arturo", "Gloria", "Roberto",
        "Teresa", "Manuel", "Lorena", "Sergio", "Marisol", "Óscar", "Yolanda", "Adriana", "Martín", "Norma",
    ];

    public static readonly string[] OtherAdultFirstNames =
    [
        "Jennifer", "Michael", "Sarah", "David", "Jessica", "Christopher", "Amanda", "Brian", "Michelle", "Kevin",
        "Nicole", "Jason", "Angela", "Robert", "Lisa", "Anthony", "Tanya", "Andre", "Keisha", "Wei", "Lan", "Hoa",
        "Sunita", "Rajesh", "Deepa", "Amina", "Abdirahman", "Fatuma", "Hyun-woo", "Yuki", "Tomasz", "Agnieszka",
        "Olga", "Emeka", "Ngozi", "Thanh", "Mohammed", "Layla", "Greg", "Heather", "Tyrone", "Monique", "Erik",
        "Ingrid", "Samira", "Pao", "Mai Yer", "Darnell", "Rebecca", "Paul",
    ];

    /// <summary>The interest and career clusters of DOMAIN.md.</summary>
    public static readonly string[] InterestClusters = [.. Domain.InterestClusters.All];

    /// <summary>Two aspirations per interest cluster, in the order of <see cref="InterestClusters"/>.</summary>
    public static readonly string[][] Aspirations =
    [
        ["Wants to run the family farm one day and learn modern soil science.", "Hopes to become a veterinarian for farm animals."],
        ["Dreams of designing affordable homes as an architect.", "Wants to study construction management after high school."],
        ["Wants to become an illustrator or animator.", "Hopes to study music at a community college, then transfer."],
        ["Wants to open a food truck business with a cousin.", "Hopes to study business and manage a store."],
        ["Wants to become an elementary school teacher.", "Hopes to coach youth soccer and study education."],
        ["Wants to work for the city and make parks safer.", "Hopes to run for student council and study political science."],
        ["Wants to become a nurse, starting as a CNA in high school.", "Dreams of becoming a pediatrician."],
        ["Wants to become a chef and travel.", "Hopes to manage a hotel someday."],
        ["Wants to become a software developer and build apps for their community.", "Hopes to work in cybersecurity."],
        ["Wants to become a firefighter or paramedic.", "Hopes to become a lawyer who helps immigrant families."],
        ["Wants to become a welder through a technical college program.", "Hopes to design products with 3D printing."],
        ["Wants to run social media for a sports team.", "Hopes to study marketing and start a clothing brand."],
        ["Wants to study biology and research diseases.", "Dreams of working for NASA as an engineer."],
        ["Wants to become an airline pilot.", "Hopes to become a diesel mechanic or auto technician."],
    ];

    public static readonly string[] Strengths =
    [
        "Asks thoughtful questions.", "Works well with classmates and helps others.", "Strong reader who enjoys fantasy novels.",
        "Creative problem solver.", "Persistent when a task is hard.", "Explains math reasoning clearly.",
        "Good at hands-on projects.", "Speaks two languages at home.", "Organized and keeps a planner.",
        "Notices patterns quickly.", "Kind and patient with younger students.", "Takes feedback well.",
        "Confident presenter.", "Writes vivid stories.", "Curious about how things work.",
    ];

    public static readonly string[] Challenges =
    [
        "Struggles to start long writing assignments.", "Loses track of due dates.", "Fraction and ratio skills need practice.",
        "Gets anxious before tests.", "Hesitates to ask for help.", "Reading stamina with long texts.",
        "Multi-step word problems.", "Staying focused in the afternoon.", "Organizing ideas before writing.",
        "Attendance has been uneven this year.", "Shows work inconsistently in math.", "Academic vocabulary in English.",
    ];

    public static readonly string[] Interests =
    [
        "soccer", "basketball", "drawing", "anime", "cooking", "video games", "music production", "guitar", "dance",
        "robotics", "coding", "animals", "volunteering", "photography", "fashion design", "cars", "skateboarding",
        "baking", "gardening", "fantasy novels", "chess", "theater", "fixing bikes", "making short videos",
        "baseball", "swimming", "track", "K-pop", "fishing", "astronomy",
    ];

    public static readonly string[] LearningPreferences =
    [
        "Learns best with visuals and diagrams.", "Prefers to show learning through projects.",
        "Likes working in small groups.", "Needs quiet time to think before answering.",
        "Often reads on a phone; short chunks help.", "Likes hands-on activities and labs.",
        "Prefers written instructions to spoken ones.", "Learns well from worked examples.",
        "Likes to talk through ideas before writing.", "Enjoys choice in how to show what they know.",
    ];

    public static readonly string[] Motivations =
    [
        "Motivated by helping family.", "Motivated by seeing progress on the mastery chart.",
        "Motivated by real-world projects.", "Motivated by making the team.", "Motivated by praise from adults they trust.",
        "Motivated by competition with friends.", "Motivated by a future career goal.", "Motivated by creative freedom.",
    ];

    public static readonly string[] IepNotes =
    [
        "Extended time on assessments (1.5x).", "Check for understanding after directions.",
        "Chunk long assignments into smaller parts.", "Small-group setting for tests.",
        "Access to text-to-speech.", "Graphic organizers for writing.",
    ];

    public static readonly string[] Notes504 =
    [
        "Preferential seating near the front.", "Movement breaks as needed.", "Extended time on assessments.",
        "May keep water and a snack in class.", "Copies of class notes provided.",
    ];

    public static readonly string[] EnglishLearnerNotes =
    [
        "Sentence frames for discussions.", "Bilingual glossary allowed.", "Pair with a bilingual peer when possible.",
        "Key vocabulary previewed before units.",
    ];

    public static readonly GoalSeed[] Goals =
    [
        new("Show my steps in math", "Teachers can see my thinking and help me fix mistakes.", "Write every step and check my answer with a second method.", "MATH"),
        new("Get solid with ratios and equations", "I need these for high school math and for my future job.", "Practice on Khan Academy twice a week and come to math lab on Thursdays.", "MATH"),
        new("Write a strong argument essay", "Good writing helps in every class.", "Use the claim-evidence-reasoning organizer and ask for feedback on a draft.", "LG.COM"),
        new("Read 20 minutes every day", "Reading more makes everything else easier.", "Keep a reading log and pick books about things I like.", "LG.COM"),
        new("Speak up in class discussions", "I have good ideas and want others to hear them.", "Share at least once per discussion; prepare a note card first.", "LG.COM"),
        new("Design my own science investigation", "I want to learn how scientists prove things.", "Pick a question, plan a fair test with my advisor, and present the results.", "LG.EMP"),
        new("Use reliable sources in my research", "I want my projects to be trustworthy.", "Check every source with the library's source checklist.", "LG.EMP"),
        new("Understand different sides of a local issue", "I want to be an informed member of my community.", "Interview two people who disagree and write up what I learned.", "LG.SOC"),
        new("Work better in a team project", "Most jobs need teamwork.", "Take a team role each project and reflect on it in advisory.", "LG.SOC"),
        new("Turn in assignments on time", "Late work is hurting my grades and my confidence.", "Use a weekly planner and check it with my advisor every Monday.", "LG.PER"),
        new("Keep a weekly planner", "Being organized lowers my stress.", "Plan Sunday evenings and check off tasks daily.", "LG.PER"),
        new("Lead a project in my advisory", "I want to practice leadership.", "Volunteer to lead the next advisory service project.", "LG.PER"),
        new("Build a budget for a real event", "Money skills matter for my future business.", "Plan the class fundraiser budget in a spreadsheet.", "LG.QUA"),
        new("Present my work at the exhibition", "Presenting builds confidence for interviews.", "Rehearse with my advisor and a family member.", "LG.COM"),
        new("Explore a career through a job shadow", "I want to know what the work is really like.", "Ask my advisor to set up a shadow day and prepare questions.", "LG.PER"),
    ];

    public static readonly string[] Milestones =
    [
        "Draft reviewed by my advisor", "Finish the first practice set", "Meet with my math teacher", "Share progress at family conference",
        "Complete the research plan", "Present to my advisory", "Finish the book I picked", "Job shadow day",
        "Mid-semester self-assessment", "Revise my essay using feedback",
    ];

    public static readonly string[] Reflections =
    [
        "I learned that asking for help early makes a big difference.", "My planner helped me stay on track most weeks.",
        "I am prouder of my writing than I was at the start of the year.", "Math is still hard, but I know how to get unstuck now.",
        "Presenting to my advisory was scary but it went well.",
    ];

    public static readonly string[] TeacherNotes =
    [
        "Great improvement — keep showing your steps!", "Strong reasoning here.", "Nice use of evidence.",
        "Almost there: check your units.", "Excellent effort on the revision.", "Clear explanation, well done.",
        "Good persistence on a hard problem.", "Let's review this together on Thursday.",
    ];

    public static readonly string[] SelfNotes =
    [
        "I think I got better at this.", "Still confused about the second part.", "I'm proud of this one.",
        "I need more practice.", "This was easier than last time.",
    ];

    public static readonly string[] AdvisorNotes =
    [
        "Showed real leadership in our advisory project.", "Good reflection during check-in.",
        "Kept working even when frustrated — great perseverance.", "Helped a classmate without being asked.",
    ];

    public static readonly string[] TodayGoals =
    [
        "Finish my lab report draft", "Study for the math quiz", "Read two chapters of my book", "Catch up on missing work",
        "Ask my teacher about the project", "Revise my essay introduction", "Practice my presentation",
        "Finish the practice problems", "Work on my exhibition slides", "Turn in my history notes", "Stay focused in every class",
        "Update my planner", "Start my research on my career interest", "Finish the Spanish vocabulary set",
    ];

    public static readonly string[] ProgressNotes =
    [
        "Finished 2 of 3 practice sets.", "Turned in the lab report.", "Got feedback on my draft.", "Caught up on one missing assignment.",
        "Read 30 pages last night.", "Quiz went better than last time.",
    ];

    public static readonly string[] HelpTopics =
    [
        "Solving equations with variables on both sides", "Organizing my essay", "Finding sources for my project",
        "Catching up after being absent", "Understanding the science lab instructions", "Making a study plan for tests",
        "Something at home is making it hard to focus", "Fractions and percents",
    ];

    public static readonly string[] CheckInNotes =
    [
        "Seemed tired today; checked in privately.", "Great energy today!", "Made a plan to finish missing work by Friday.",
        "Talked about the upcoming exhibition.", "Will follow up with the math teacher.", "Proud of the progress this week.",
        "Connected with the counselor.", "Needs a quieter place to work during study hall.",
    ];

    public static readonly string[] AbsenceNotes =
    [
        "Called home; left a message.", "Family says a bus was missed.", "Second absence this week; will follow up.",
    ];

    public static readonly string[] ExcusedNotes =
    [
        "Medical appointment.", "Family event (excused by the office).", "School field trip.",
    ];
}
