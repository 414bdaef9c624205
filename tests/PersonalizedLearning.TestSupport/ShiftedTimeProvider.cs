namespace PersonalizedLearning.TestSupport;

/// <summary>The real clock moved to start at <paramref name="start"/>: time still passes (cookies, timers) but "today" is fixed.</summary>
public sealed class ShiftedTimeProvider(DateTimeOffset start) : TimeProvider
{
    private readonly TimeSpan offset = start - System.GetUtcNow();

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
}
