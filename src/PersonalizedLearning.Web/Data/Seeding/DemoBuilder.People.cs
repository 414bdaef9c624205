using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Data.Seeding;

internal sealed class StaffMember(AppUser user, School school, StaffSeed seed)
{
    public AppUser User { get; } = user;
    public School School { get; } = school;
    public StaffSeed Seed { get; } = seed;
    public string Label => $"{Seed.Title} {Seed.LastName}";
}

internal sealed class SectionInfo(Section section, StaffMember teacher, School school, bool elective)
{
    public Section Section { get; } = section;
    public StaffMember Teacher { get; } = teacher;
    public School School { get; } = school;
    public bool Elective { get; } = elective;
    public List<Pupil> Pupils { get; } = [];
}

internal sealed class Family(string lastName, string language, bool spanishNames)
{
    public string LastName { get; } = lastName;
    public string Language { get; } = language;
    public bool SpanishNames { get; } = spanishNames;
    public List<(AppUser User, GuardianRelationship Relationship)> Guardians { get; } = [];
    public List<Pupil> Children { get; } = [];
    public AppUser? Restricted { get; set; }
}

internal sealed class Pupil(Student student, School school, Family family)
{
    public Student Student { get; } = student;
    public School School { get; } = school;
    public Family Family { get; } = family;
    public AppUser? User { get; set; }
    public Advisory? Advisory { get; set; }
    public StaffMember? Advisor { get; set; }
    public List<SectionInfo> Sections { get; } = [];
    public double Ability { get; set; }
    /// <summary>Change in expected score over the eight weeks.</summary>
    public double Trend { get; set; }
    public bool AtRisk { get; set; }
    /// <summary>At risk, with no check-in in the last four school days and no evidence in the last ten.</summary>
    public bool Quiet { get; set; }
    public bool Featured { get; set; }
    public List<Standard> EvidenceStandards { get; } = [];
}

internal sealed partial class DemoBuilder
{
    private const int StudentsPerGrade = 85;
    private const int SiblingFamilies = 24;

    private readonly List<StaffMember> staff = [];
    private readonly List<Family> families = [];
    private readonly List<Pupil> pupils = [];
    private readonly List<SectionInfo> sectionInfos = [];
    private readonly List<(Advisory Advisory, School School, StaffMember Advisor)> advisoryInfos = [];
    private readonly Dictionary<AppUser, School> staffSchools = [];
    private Pupil maya = null!;
    private int guardianNumber = 2;

    public List<AppUser> Users { get; } = [];
    public List<(AppUser User, string Role)> UserRoles { get; } = [];
    public List<Student> Students { get; } = [];
    public List<Section> Sections { get; } = [];
    public List<Advisory> Advisories { get; } = [];
    public int StaffCount => staffSchools.Count + 1;
    public int GuardianCount => families.SelectMany(f => f.Guardians).Select(g => g.User).Distinct().Count();

    /// <summary>Staff, sections and advisories get their school's id and the year's id.</summary>
    public void BindOrganization()
    {
        foreach (var (user, school) in staffSchools)
        {
            user.SchoolId = school.Id;
        }
        foreach (var info in sectionInfos)
        {
            info.Section.SchoolId = info.School.Id;
            info.Section.SchoolYearId = Year.Id;
        }
        foreach (var (advisory, school, _) in advisoryInfos)
        {
            advisory.SchoolId = school.Id;
        }
        foreach (var (child, parent) in parents)
        {
            child.ParentId = parent.Id;
        }
    }

    /// <summary>Students get their school, advisory and enrollments; plans get the year.</summary>
    public void BindPeople()
    {
        foreach (var p in pupils)
        {
            p.Student.SchoolId = p.School.Id;
            p.Student.AdvisoryId = p.Advisory?.Id;
            foreach (var s in p.Sections)
            {
                p.Student.Enrollments.Add(new Enrollment { SectionId = s.Section.Id, Active = true });
            }
        }
        Plans.ForEach(plan => plan.SchoolYearId = Year.Id);
    }

    private void BuildStaff()
    {
        NewUser(Reserve(DemoText.AdminEmail), "Priya Natarajan", "en", "usr-admin-001", Roles.DistrictAdmin);
        staffSchools[NewUser(Reserve(DemoText.PrincipalEmail), "Dr. James Whitfield", "en", "usr-prn-001", Roles.Principal)] = Middle;
        staffSchools[NewUser(UniqueEmail("Alicia", "Thornton", DemoText.StaffDomain), "Dr. Alicia Thornton", "en", "usr-prn-002", Roles.Principal)] = High;

        for (var i = 0; i < DemoText.Teachers.Length; i++)
        {
            var seed = DemoText.Teachers[i];
            var email = seed.Email is { } fixedEmail ? Reserve(fixedEmail) : UniqueEmail(seed.FirstName, seed.LastName, DemoText.StaffDomain);
            string[] roles = seed.Advisor ? [Roles.Teacher, Roles.Advisor] : [Roles.Teacher];
            var user = NewUser(email, $"{seed.FirstName} {seed.LastName}", "en", $"usr-tch-{i + 1:000}", roles);
            var school = seed.HighSchool ? High : Middle;
            staffSchools[user] = school;
            staff.Add(new StaffMember(user, school, seed));
        }
    }

    private void BuildFamilies()
    {
        var remaining = Enumerable.Range(6, 7).ToDictionary(g => g, _ => StudentsPerGrade);

        // The featured family: Elena Ortiz (Spanish) with Maya (grade 7) and Mateo (grade 10).
        var ortiz = new Family("Ortiz", "es", spanishNames: true);
        families.Add(ortiz);
        ortiz.Guardians.Add((NewUser(Reserve(DemoText.GuardianEmail), "Elena Ortiz", "es", "usr-gdn-0001", Roles.Guardian), GuardianRelationship.Parent));
        ortiz.Guardians.Add((NewUser(UniqueEmail("Luis", "Ortiz", DemoText.FamilyDomain), "Luis Ortiz", "es", "usr-gdn-0002", Roles.Guardian), GuardianRelationship.Parent));
        maya = AddPupil(ortiz, "Maya", 7, remaining);
        AddPupil(ortiz, "Mateo", 10, remaining);

        // The two-role user: Marcus Reed teaches at the high school and is Jordan's parent.
        var reed = new Family("Reed", "en", spanishNames: false);
        families.Add(reed);
        var marcus = staff.Single(s => s.User.Email == DemoDistrict.DualRoleEmail).User;
        UserRoles.Add((marcus, Roles.Guardian));
        reed.Guardians.Add((marcus, GuardianRelationship.Parent));
        AddPupil(reed, "Jordan", 6, remaining);

        for (var i = 0; i < SiblingFamilies; i++)
        {
            var family = NewFamily();
            var grades = Sample(remaining.Where(r => r.Value > 0).Select(r => r.Key).ToList(), 2);
            grades.ForEach(g => AddPupil(family, FirstName(family), g, remaining));
        }
        foreach (var grade in remaining.Keys.ToList())
        {
            while (remaining[grade] > 0)
            {
                var family = NewFamily();
                AddPupil(family, FirstName(family), grade, remaining);
            }
        }

        // Exactly one custody restriction: the second guardian of a child who also has an unrestricted guardian.
        var restricted = Pick(families.Where(f => f.Guardians.Count == 2 && f.Children.Count == 1 && !f.Children[0].Featured).ToList());
        restricted.Restricted = restricted.Guardians[1].User;

        // Student numbers in grade order; Maya's address is claimed first so it stays plain.
        Shuffle(pupils);
        var ordered = pupils.OrderBy(p => p.Student.GradeLevel).ToList();
        pupils.Clear();
        pupils.AddRange(ordered);
        for (var i = 0; i < pupils.Count; i++)
        {
            var number = 100001 + i;
            pupils[i].Student.StudentNumber = $"S{number}";
            pupils[i].Student.SourcedId = $"stu-{number}";
        }
        foreach (var p in pupils.OrderBy(p => p == maya ? 0 : 1))
        {
            var s = p.Student;
            var email = p == maya ? Reserve(DemoText.StudentEmail) : UniqueEmail(s.FirstName, s.LastName, DemoText.StudentDomain);
            p.User = NewUser(email, s.FullName, s.PreferredLanguage, s.SourcedId, Roles.Student);
            s.UserId = p.User.Id;
        }
        Students.AddRange(pupils.Select(p => p.Student));

        foreach (var family in families)
        {
            foreach (var child in family.Children)
            {
                foreach (var (user, relationship) in family.Guardians)
                {
                    child.Student.GuardianLinks.Add(new GuardianLink
                    {
                        GuardianUserId = user.Id,
                        Relationship = relationship,
                        CustodyRestricted = user == family.Restricted,
                    });
                }
            }
        }
    }

    private Family NewFamily()
    {
        var spanish = Chance(0.30);
        // A few Latino families prefer English; their names still come from the Spanish lists.
        var spanishNames = spanish || Chance(0.08);
        var lastName = Pick(spanishNames ? DemoText.SpanishLastNames : DemoText.OtherLastNames);
        var family = new Family(lastName, spanish ? "es" : "en", spanishNames);
        families.Add(family);

        var adults = spanishNames ? DemoText.SpanishAdultFirstNames : DemoText.OtherAdultFirstNames;
        var two = Chance(0.6);
        for (var i = 0; i < (two ? 2 : 1); i++)
        {
            var first = Pick(adults);
            var last = i == 1 && Chance(0.25) ? Pick(spanishNames ? DemoText.SpanishLastNames : DemoText.OtherLastNames) : lastName;
            // Enum order: Parent, Guardian, Grandparent, Relative, FosterParent.
            var relationship = two
                ? Weighted(88, 6, 6) switch
                {
                    0 => GuardianRelationship.Parent,
                    1 => GuardianRelationship.Grandparent,
                    _ => GuardianRelationship.Relative,
                }
                : (GuardianRelationship)Weighted(80, 7, 7, 3, 3);
            var user = NewUser(UniqueEmail(first, last, DemoText.FamilyDomain), $"{first} {last}", family.Language,
                $"usr-gdn-{++guardianNumber:0000}", Roles.Guardian);
            family.Guardians.Add((user, relationship));
        }
        return family;
    }

    private string FirstName(Family family)
    {
        var pool = Chance(family.SpanishNames ? 0.85 : 0.06) ? DemoText.SpanishFirstNames : DemoText.OtherFirstNames;
        string name;
        do
        {
            name = Pick(pool);
        }
        while (family.Children.Any(c => c.Student.FirstName == name));
        return name;
    }

    private Pupil AddPupil(Family family, string firstName, int grade, Dictionary<int, int> remaining)
    {
        remaining[grade]--;
        var student = new Student
        {
            StudentNumber = "",
            SourcedId = "",
            FirstName = firstName,
            LastName = family.LastName,
            GradeLevel = grade,
            PreferredLanguage = family.Language,
        };
        // The Ortiz and Reed families come first and stay as written (no at-risk draw).
        var featured = families.Count <= 2;
        var atRisk = !featured && Chance(0.08);
        var pupil = new Pupil(student, grade <= 8 ? Middle : High, family)
        {
            Featured = featured,
            AtRisk = atRisk,
            Ability = atRisk ? Math.Clamp(2.4 + (Normal() * 0.3), 1.8, 3.0) : Math.Clamp(2.65 + (Normal() * 0.45), 1.5, 3.7),
            Trend = atRisk ? Uniform(-1.3, -0.7) : Weighted(55, 30, 15) switch
            {
                0 => Uniform(0.2, 0.9),
                1 => Uniform(-0.15, 0.2),
                _ => Uniform(-0.45, -0.15),
            },
        };
        if (firstName == "Maya" && family.LastName == "Ortiz")
        {
            // Bilingual: Maya uses the app in English while her mother prefers Spanish.
            (pupil.Ability, pupil.Trend, student.PreferredLanguage) = (2.8, 0.6, "en");
        }
        family.Children.Add(pupil);
        pupils.Add(pupil);
        return pupil;
    }

    /// <summary>
    /// Synthetic reporting groups, drawn from their own generator so nothing else reshuffles: one race/ethnicity per
    /// family, sex per child, English learners mostly in Spanish-speaking homes, about one in eight with an IEP.
    /// </summary>
    private void AssignStudentGroups()
    {
        RaceEthnicity[] others =
        [
            RaceEthnicity.White, RaceEthnicity.White, RaceEthnicity.White, RaceEthnicity.White,
            RaceEthnicity.BlackOrAfricanAmerican, RaceEthnicity.BlackOrAfricanAmerican, RaceEthnicity.Asian,
            RaceEthnicity.TwoOrMoreRaces, RaceEthnicity.AmericanIndianOrAlaskaNative,
        ];
        foreach (var family in families)
        {
            RaceEthnicity? group = groupRng.NextDouble() switch
            {
                < 0.03 => null,
                _ when family.SpanishNames => RaceEthnicity.HispanicOrLatino,
                < 0.08 => RaceEthnicity.NativeHawaiianOrOtherPacificIslander,
                _ => others[groupRng.Next(others.Length)],
            };
            foreach (var child in family.Children.Select(c => c.Student))
            {
                child.RaceEthnicity = group;
                child.Sex = groupRng.NextDouble() switch
                {
                    < 0.49 => Sex.Female,
                    < 0.98 => Sex.Male,
                    < 0.99 => Sex.Other,
                    _ => Sex.Unspecified,
                };
                child.EnglishLearner = groupRng.NextDouble() < (family.Language == "es" ? 0.45 : 0.02);
                child.HasIep = groupRng.NextDouble() < 0.13;
            }
        }
    }

    private void BuildAdvisories()
    {
        foreach (var (school, key, small) in new[] { (Middle, "cvms", 16), (High, "cvhs", 18) })
        {
            var members = pupils.Where(p => p.School == school).ToList();
            Shuffle(members);
            members = [.. members.OrderBy(p => p.Student.GradeLevel)];
            if (school == High)
            {
                // Three high-school students without an advisory, so coverage gaps show.
                foreach (var left in Sample(members.Where(p => !p.Featured).ToList(), 3))
                {
                    members.Remove(left);
                }
            }

            var advisors = staff.Where(s => s.School == school && s.Seed.Advisor).ToList();
            Shuffle(advisors);
            var sizes = AdvisorySizes(members.Count, advisors.Count, small);
            var chunks = new List<List<Pupil>>();
            var at = 0;
            foreach (var size in sizes)
            {
                chunks.Add(members.GetRange(at, size));
                at += size;
            }
            if (school == Middle)
            {
                // Maya's advisor is Rosa Alvarez.
                var rosa = advisors.FindIndex(a => a.User.Email == DemoText.AdvisorEmail);
                var mayas = chunks.FindIndex(c => c.Contains(maya));
                (advisors[rosa], advisors[mayas]) = (advisors[mayas], advisors[rosa]);
            }

            var letters = new Dictionary<int, char>();
            for (var i = 0; i < chunks.Count; i++)
            {
                var grade = chunks[i].GroupBy(p => p.Student.GradeLevel).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key;
                var letter = letters[grade] = letters.TryGetValue(grade, out var l) ? (char)(l + 1) : 'A';
                var advisor = advisors[i];
                var advisory = new Advisory
                {
                    Name = $"Advisory {grade}{letter} — {advisor.Label}",
                    AdvisorUserId = advisor.User.Id,
                    SourcedId = $"adv-{key}-{i + 1:00}",
                };
                Advisories.Add(advisory);
                advisoryInfos.Add((advisory, school, advisor));
                foreach (var p in chunks[i])
                {
                    p.Advisory = advisory;
                    p.Advisor = advisor;
                    p.Quiet = p.AtRisk && Chance(0.12);
                }
            }
        }
    }

    /// <summary>One small advisory, the rest as even as possible; all within 15–25.</summary>
    private static int[] AdvisorySizes(int students, int advisories, int small)
    {
        var rest = students - small;
        var others = advisories - 1;
        var sizes = Enumerable.Range(0, others).Select(i => (rest / others) + (i < rest % others ? 1 : 0)).Append(small).ToArray();
        return sizes.All(s => s is >= 15 and <= 25) ? sizes : throw new InvalidOperationException("Demo advisory sizes out of range");
    }

    private void BuildSections()
    {
        var numbers = new Dictionary<School, int> { [Middle] = 0, [High] = 0 };
        var core = Enumerable.Range(6, 7).SelectMany(DemoText.CoreCourses).ToHashSet();
        foreach (var teacher in staff)
        {
            var period = 1;
            foreach (var (course, count) in teacher.Seed.Sections)
            {
                for (var k = 0; k < count; k++)
                {
                    var key = teacher.School == Middle ? "cvms" : "cvhs";
                    var section = new Section
                    {
                        Name = $"{course} — Period {period++}",
                        CourseName = course,
                        SourcedId = $"sec-{key}-{++numbers[teacher.School]:000}",
                    };
                    section.Teachers.Add(new SectionTeacher { TeacherUserId = teacher.User.Id });
                    Sections.Add(section);
                    sectionInfos.Add(new SectionInfo(section, teacher, teacher.School, !core.Contains(course)));
                }
            }
        }

        // Core courses: each grade's students split evenly over the course's three sections.
        foreach (var grade in Enumerable.Range(6, 7))
        {
            var inGrade = pupils.Where(p => p.Student.GradeLevel == grade).ToList();
            foreach (var course in DemoText.CoreCourses(grade))
            {
                var sections = sectionInfos.Where(s => s.Section.CourseName == course).ToList();
                Shuffle(inGrade);
                for (var i = 0; i < inGrade.Count; i++)
                {
                    Enroll(inGrade[i], sections[i % sections.Count]);
                }
            }
        }

        // Electives: one or two per student, always into the emptiest section of a subject not taken yet.
        foreach (var school in Schools)
        {
            var electives = sectionInfos.Where(s => s.Elective && s.School == school).ToList();
            var students = pupils.Where(p => p.School == school).ToList();
            Shuffle(students);
            foreach (var p in students)
            {
                var count = Chance(0.62) ? 2 : 1;
                for (var j = 0; j < count; j++)
                {
                    var open = electives.Where(e => p.Sections.All(s => s.Teacher.Seed.Subject != e.Teacher.Seed.Subject)).ToList();
                    Shuffle(open);
                    Enroll(p, open.MinBy(e => e.Pupils.Count)!);
                }
            }
        }
    }

    private static void Enroll(Pupil pupil, SectionInfo section)
    {
        section.Pupils.Add(pupil);
        pupil.Sections.Add(section);
    }
}
