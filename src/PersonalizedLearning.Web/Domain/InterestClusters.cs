namespace PersonalizedLearning.Web.Domain;

/// <summary>The interest and career clusters used to match students with projects and mentors (stored by these names).</summary>
public static class InterestClusters
{
    public static readonly IReadOnlyList<string> All =
    [
        "Agriculture", "Architecture", "Arts", "Business management", "Education", "Government", "Health science",
        "Hospitality and tourism", "Information technology", "Law and public safety", "Manufacturing", "Marketing",
        "Science and technology", "Transportation",
    ];
}
