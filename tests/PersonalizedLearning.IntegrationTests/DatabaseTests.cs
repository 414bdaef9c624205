using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.TestSupport;

namespace PersonalizedLearning.IntegrationTests;

public class DatabaseTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task The_committed_migrations_match_the_model()
    {
        await using var db = fixture.OwnerContext();
        Assert.False(db.Database.HasPendingModelChanges(), "The model has changes that no migration captures: add a migration.");
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task The_demo_district_is_seeded_with_every_plan_state_and_a_custody_restriction()
    {
        await using var db = fixture.OwnerContext();
        Assert.InRange(await db.Students.CountAsync(), 550, 650);
        Assert.Equal(Enum.GetValues<Web.Domain.PlanStatus>().Length, await db.Plans.Select(p => p.Status).Distinct().CountAsync());
        Assert.Equal(1, await db.GuardianLinks.CountAsync(g => g.CustodyRestricted));
        Assert.Equal(2, await db.Frameworks.CountAsync());
        Assert.True(await db.Evidence.CountAsync() > 10_000);
    }
}
