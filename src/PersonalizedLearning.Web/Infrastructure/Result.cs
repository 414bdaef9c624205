namespace PersonalizedLearning.Web.Infrastructure;

/// <summary>An expected refusal or success; the error is a text key (with arguments) that the page shows in plain words.</summary>
public sealed record Result(string? ErrorKey = null, params object[] Arguments)
{
    public static readonly Result Ok = new();

    public bool Succeeded => ErrorKey is null;

    public static Result Fail(string key, params object[] arguments) => new(key, arguments);
}
