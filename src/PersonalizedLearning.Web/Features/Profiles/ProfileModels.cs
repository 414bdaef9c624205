namespace PersonalizedLearning.Web.Features.Profiles;

/// <summary>A learner profile as this viewer may see it; support notes are null for anyone who is not staff serving the student.</summary>
public sealed record ProfileView(
    int StudentId, string StudentName, ProfileForm Fields, uint Version, DateTimeOffset UpdatedAt,
    bool CanEdit, SupportView? Support);

public sealed record SupportView(bool HasIep, bool Has504, bool EnglishLearner, string Notes);

/// <summary>The editable part of the profile (the student's own words).</summary>
public sealed class ProfileForm
{
    public const int Limit = 4000;

    public string Strengths { get; set; } = "";
    public string Challenges { get; set; } = "";
    public string Interests { get; set; } = "";
    public IReadOnlyCollection<string> InterestClusters { get; set; } = [];
    public string Aspirations { get; set; } = "";
    public string LearningPreferences { get; set; } = "";
    public string Motivation { get; set; } = "";

    public ProfileForm Copy() => (ProfileForm)MemberwiseClone();

    /// <summary>Field name → problem key, for fields over the limit or clusters not on the list.</summary>
    public Dictionary<string, string> Problems()
    {
        var problems = new Dictionary<string, string>();
        foreach (var (name, value) in Texts())
        {
            if (value.Length > Limit)
            {
                problems[name] = "Problem.TooLong";
            }
        }
        if (InterestClusters.Any(c => !Domain.InterestClusters.All.Contains(c)))
        {
            problems[nameof(InterestClusters)] = "Problem.UnknownCluster";
        }
        return problems;
    }

    public IEnumerable<(string Name, string Value)> Texts() =>
    [
        (nameof(Strengths), Strengths), (nameof(Challenges), Challenges), (nameof(Interests), Interests),
        (nameof(Aspirations), Aspirations), (nameof(LearningPreferences), LearningPreferences), (nameof(Motivation), Motivation),
    ];
}

public abstract record ProfileSaveOutcome
{
    public sealed record Saved(uint Version) : ProfileSaveOutcome;

    /// <summary>Someone saved first; nothing was overwritten. Theirs is what is stored now.</summary>
    public sealed record Conflict(ProfileForm Theirs, uint TheirVersion) : ProfileSaveOutcome;

    public sealed record Refused(string ErrorKey, IReadOnlyDictionary<string, string> FieldProblems) : ProfileSaveOutcome;
}
