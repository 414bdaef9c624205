using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Data.Seeding;

internal sealed record EvidenceRow(
    Student Student, Standard Standard, decimal Score, EvidenceSource Source, string? RecordedByUserId, Section? Section,
    DateTimeOffset ObservedAt, DateTimeOffset RecordedAt, string Note);

internal sealed record RollupRow(Student Student, Standard Standard, MasteryRollup Rollup);

internal sealed partial class DemoBuilder
{
    /// <summary>The MET's five learning goals and their skill components (DOMAIN.md).</summary>
    private static readonly (string Code, string Goal, string Question, string[] Skills)[] MetGoals =
    [
        ("LG.EMP", "Empirical reasoning", "How do I prove it?",
            ["Develops strategies to test and prove ideas.", "Researches a question: finds, evaluates and cites sources.",
             "Uses logic to draw conclusions from evidence.", "Designs an investigation and analyzes its results."]),
        ("LG.QUA", "Quantitative reasoning", "How do I measure or represent it?",
            ["Carries out basic operations accurately.", "Builds and reads tables and graphs.",
             "Applies algebra, geometry and statistics to real problems.", "Estimates and uses number sense to check answers."]),
        ("LG.COM", "Communication", "How do I take in and express information?",
            ["Listens actively and speaks clearly to an audience.", "Reads closely and writes for a purpose.",
             "Communicates in a second language.", "Uses computers and multimedia to share ideas.",
             "Expresses ideas creatively (art, music, performance)."]),
        ("LG.SOC", "Social reasoning", "What do other people have to say about this?",
            ["Uses past experience and history to understand the present.", "Considers diverse perspectives.",
             "Practices citizenship, cooperation and conflict resolution."]),
        ("LG.PER", "Personal qualities", "What do I bring to this process?",
            ["Shows respect and responsibility.", "Perseveres and stays organized.", "Reflects with self-awareness.",
             "Takes on leadership.", "Builds physical fitness and healthy habits."]),
    ];

    private static readonly (string Code, string Domain)[] MathDomains =
    [
        ("RP", "Ratios & Proportional Relationships"), ("NS", "The Number System"), ("EE", "Expressions & Equations"),
        ("G", "Geometry"), ("SP", "Statistics & Probability"),
    ];

    /// <summary>Grade 6–8 math standards (paraphrased), with the standards each one builds on.</summary>
    private static readonly (string Code, string Statement, string[] Requires)[] MathStandards =
    [
        ("6.RP.1", "Understand ratios and use ratio language to describe a relationship between two quantities.", []),
        ("6.RP.3", "Use ratio and rate reasoning (tables, tape diagrams, unit rates, percents) to solve problems.", []),
        ("6.NS.1", "Interpret and compute quotients of fractions.", []),
        ("6.NS.7", "Order rational numbers and understand absolute value.", []),
        ("6.EE.2", "Write, read and evaluate expressions in which letters stand for numbers.", []),
        ("6.EE.7", "Solve problems by writing and solving equations of the form x + p = q and px = q.", []),
        ("6.G.1", "Find the area of triangles, quadrilaterals and polygons by composing and decomposing shapes.", []),
        ("6.SP.5", "Summarize numerical data sets by their center, spread and shape.", []),
        ("7.RP.2", "Recognize and represent proportional relationships between quantities.", ["6.RP.1"]),
        ("7.RP.3", "Use proportional relationships to solve multistep ratio and percent problems.", ["6.RP.3"]),
        ("7.NS.1", "Add and subtract rational numbers and represent them on a number line.", ["6.NS.7"]),
        ("7.NS.2", "Multiply and divide rational numbers.", ["6.NS.1"]),
        ("7.EE.1", "Add, subtract, factor and expand linear expressions with rational coefficients.", ["6.EE.2"]),
        ("7.EE.4", "Solve problems with equations and inequalities of the form px + q = r.", ["6.EE.7"]),
        ("7.G.4", "Know and use the formulas for the area and circumference of a circle.", ["6.G.1"]),
        ("7.SP.5", "Understand probability as a number between 0 and 1 that expresses likelihood.", []),
        ("8.NS.1", "Know that numbers that are not rational are irrational, and approximate them.", ["7.NS.2"]),
        ("8.EE.1", "Know and apply the properties of integer exponents.", []),
        ("8.EE.5", "Graph proportional relationships, reading the unit rate as the slope.", ["7.RP.2"]),
        ("8.EE.7", "Solve linear equations in one variable.", ["7.EE.4"]),
        ("8.EE.8", "Analyze and solve pairs of simultaneous linear equations.", ["8.EE.7"]),
        ("8.G.7", "Apply the Pythagorean theorem to find unknown side lengths.", []),
        ("8.G.9", "Know and use the formulas for the volumes of cones, cylinders and spheres.", ["7.G.4"]),
        ("8.SP.1", "Construct and interpret scatter plots for bivariate data.", ["6.SP.5"]),
    ];

    /// <summary>Which teachers' sections assess which learning goal.</summary>
    private static readonly Dictionary<string, string[]> GoalSubjects = new()
    {
        ["LG.EMP"] = ["Science", "Math"],
        ["LG.QUA"] = ["Math", "Science"],
        ["LG.COM"] = ["ELA", "Spanish", "Computing", "Art", "Music"],
        ["LG.SOC"] = ["Social", "Careers"],
        ["LG.PER"] = [],
    };

    private readonly List<(Standard Child, Standard Parent)> parents = [];
    private CompetencyFramework met = null!;
    private CompetencyFramework math = null!;

    public List<CompetencyFramework> Frameworks { get; } = [];
    public List<Standard> ParentStandards { get; } = [];
    public List<Standard> ChildStandards { get; } = [];
    public List<EvidenceRow> Evidence { get; } = [];
    public List<RollupRow> Rollups { get; } = [];

    private void BuildFrameworks()
    {
        met = NewFramework("Cedar Valley Learning Goals", "MET");
        var order = 0;
        foreach (var (code, goal, question, skills) in MetGoals)
        {
            var parent = NewStandard(met, null, code, $"{goal}: {question}", "6-12", ++order);
            for (var i = 0; i < skills.Length; i++)
            {
                NewStandard(met, parent, $"{code}.{i + 1}", skills[i], "6-12", ++order);
            }
        }

        math = NewFramework("Grade 6–8 Mathematics", "MATH68");
        order = 0;
        var domains = MathDomains.ToDictionary(d => d.Code, d => NewStandard(math, null, d.Code, d.Domain, "6-8", ++order));
        var byCode = new Dictionary<string, Standard>();
        foreach (var (code, statement, requires) in MathStandards)
        {
            var parts = code.Split('.');
            var standard = NewStandard(math, domains[parts[1]], code, statement, parts[0], ++order);
            standard.Prerequisites.AddRange(requires.Select(r => byCode[r]));
            byCode[code] = standard;
        }
    }

    private CompetencyFramework NewFramework(string name, string code)
    {
        var framework = new CompetencyFramework
        {
            Name = name,
            Code = code,
            Method = MasteryMethod.DecayingAverage,
            MethodParameter = 65,
            Levels =
            [
                new MasteryLevel { Points = 1, Name = "Beginning", Color = "#E57373" },
                new MasteryLevel { Points = 2, Name = "Developing", Color = "#FFB74D" },
                new MasteryLevel { Points = 3, Name = "Proficient", Color = "#81C784", IsMastery = true },
                new MasteryLevel { Points = 4, Name = "Advanced", Color = "#4FC3F7" },
            ],
        };
        Frameworks.Add(framework);
        return framework;
    }

    private Standard NewStandard(CompetencyFramework framework, Standard? parent, string code, string statement, string grades, int order)
    {
        var standard = new Standard { Framework = framework, Code = code, Statement = statement, GradeLevels = grades, SortOrder = order };
        if (parent is null)
        {
            ParentStandards.Add(standard);
        }
        else
        {
            ChildStandards.Add(standard);
            parents.Add((standard, parent));
        }
        return standard;
    }

    private Standard ParentOf(Standard child) => parents.First(p => p.Child == child).Parent;

    private void BuildEvidence()
    {
        if (EvidenceDays.Count == 0)
        {
            return;
        }
        var metChildren = ChildStandards.Where(s => s.Framework == met).ToList();
        var metMastery = met.Levels.Single(l => l.IsMastery).Points;
        var mathMastery = math.Levels.Single(l => l.IsMastery).Points;
        foreach (var p in pupils)
        {
            var middle = p.School == Middle;
            var grade = p.Student.GradeLevel.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var standards = Sample(metChildren, middle ? rng.Next(8, 12) : rng.Next(11, 16));
            if (middle)
            {
                var mathChildren = ChildStandards.Where(s => s.Framework == math && s.GradeLevels == grade).ToList();
                standards.AddRange(Sample(mathChildren, rng.Next(5, 9)));
            }
            p.EvidenceStandards.AddRange(standards);
            // Students who went quiet also have no evidence in the last two weeks (ten school days).
            var lastDay = p.Quiet ? Math.Max(1, EvidenceDays.Count - 10) : EvidenceDays.Count;

            // Every standard gets one score; the rest of the 30–45 land on standards at random.
            var counts = standards.ToDictionary(s => s, _ => 1);
            var total = rng.Next(30, 46);
            for (var i = standards.Count; i < total; i++)
            {
                counts[Pick(standards)]++;
            }

            foreach (var standard in standards)
            {
                var offset = Normal() * 0.35;
                var days = Enumerable.Range(0, counts[standard]).Select(_ => rng.Next(lastDay)).Order().ToList();
                var rows = days.Select(d => NewEvidence(p, standard, offset, d)).OrderBy(r => r.ObservedAt).ToList();
                Evidence.AddRange(rows);

                var framework = standard.Framework == math ? math : met;
                var scored = rows.Select((r, i) => new ScoredEvidence(i, r.Score, r.ObservedAt, r.RecordedAt));
                var result = MasteryCalculator.Calculate(scored, framework.Method, framework.MethodParameter,
                    framework == math ? mathMastery : metMastery);
                Rollups.Add(new RollupRow(p.Student, standard, new MasteryRollup
                {
                    Score = result.Score,
                    AtMastery = result.Score >= (framework == math ? mathMastery : metMastery),
                    EvidenceCount = rows.Count,
                    LastEvidenceAt = rows[^1].ObservedAt,
                    Method = framework.Method,
                    MethodVersion = MasteryCalculator.Version,
                    UpdatedAt = now,
                }));
            }
        }
    }

    private EvidenceRow NewEvidence(Pupil p, Standard standard, double offset, int dayIndex)
    {
        var isMath = standard.Framework == math;
        var goal = isMath ? "LG.QUA" : ParentOf(standard).Code;
        var roll = rng.NextDouble();
        var source = isMath
            ? (roll < 0.88 ? EvidenceSource.TeacherAssessment : EvidenceSource.SelfAssessment)
            : roll < 0.72 ? EvidenceSource.TeacherAssessment
            : roll < 0.87 ? EvidenceSource.SelfAssessment
            : EvidenceSource.Advisor;
        if (source == EvidenceSource.Advisor && p.Advisor is null)
        {
            source = EvidenceSource.TeacherAssessment;
        }

        string? recordedBy;
        Section? section = null;
        string note;
        switch (source)
        {
            case EvidenceSource.TeacherAssessment:
                var subjects = isMath ? ["Math"] : GoalSubjects[goal];
                var fitting = p.Sections.Where(s => subjects.Length == 0 || subjects.Contains(s.Teacher.Seed.Subject)).ToList();
                var chosen = Pick(fitting.Count > 0 ? fitting : p.Sections);
                recordedBy = chosen.Teacher.User.Id;
                section = chosen.Section;
                note = Chance(0.12) ? Pick(DemoText.TeacherNotes) : "";
                break;
            case EvidenceSource.SelfAssessment:
                recordedBy = p.User!.Id;
                note = Chance(0.25) ? Pick(DemoText.SelfNotes) : "";
                break;
            default:
                recordedBy = p.Advisor!.User.Id;
                note = Chance(0.3) ? Pick(DemoText.AdvisorNotes) : "";
                break;
        }

        var progress = EvidenceDays.Count > 1 ? (double)dayIndex / (EvidenceDays.Count - 1) : 1.0;
        var raw = p.Ability + (p.Trend * (progress - 0.5)) + offset + (Normal() * 0.55)
            + (source == EvidenceSource.SelfAssessment ? 0.25 : 0);
        var rounded = Chance(0.05) ? Math.Round(raw * 2, MidpointRounding.AwayFromZero) / 2 : Math.Round(raw, MidpointRounding.AwayFromZero);
        var score = (decimal)Math.Clamp(rounded, 1, 4);

        var observed = Utc(EvidenceDays[dayIndex], rng.Next(9, 15), rng.Next(60));
        var recorded = observed.AddMinutes(rng.Next(2, 40));
        return new EvidenceRow(p.Student, standard, score, source, recordedBy, section, observed, recorded, note);
    }
}
