using System.Text;
using PersonalizedLearning.TestSupport;
using PersonalizedLearning.Web.Features.Standards;

namespace PersonalizedLearning.UnitTests;

public class CasePackageReaderTests
{
    private static CaseReadResult Read(string json) => CasePackageReader.Read(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void A_realistic_package_maps_to_a_three_level_hierarchy_in_sequence_order()
    {
        var result = Read(CaseSamples.Science());

        Assert.Empty(result.Errors);
        var package = Assert.IsType<CasePackage>(result.Package);
        Assert.Equal(CaseSamples.DocumentId, package.Document.Identifier);
        Assert.Equal(CaseSamples.Title, package.Document.Title);
        // Depth first; siblings by sequenceNumber (given as strings and numbers), so 1.b comes before 1.a.
        Assert.Equal(["SCI.PS", "SCI.PS.1", "SCI.PS.1.b", "SCI.PS.1.a", "SCI.PS.2", "SCI.PS.2.a", "SCI.PS.2.b", "SCI.LS", "SCI.LS.1"],
            package.Standards.Select(s => s.Code));
        Assert.Equal(Enumerable.Range(1, 9), package.Standards.Select(s => s.SortOrder));
        var byCode = package.Standards.ToDictionary(s => s.Code);
        Assert.Null(byCode["SCI.PS"].ParentIdentifier);
        Assert.Equal(CaseSamples.Id("PS"), byCode["SCI.PS.1"].ParentIdentifier);
        Assert.Equal(CaseSamples.Id("PS1"), byCode["SCI.PS.1.a"].ParentIdentifier);
        Assert.Equal(CaseSamples.Id("PS1a"), byCode["SCI.PS.1.a"].Identifier);
        Assert.Equal("Describe the structure of atoms and simple molecules.", byCode["SCI.PS.1.a"].Statement);
    }

    [Fact]
    public void Education_levels_become_grade_ranges()
    {
        var byCode = Read(CaseSamples.Science()).Package!.Standards.ToDictionary(s => s.Code);

        Assert.Equal("6-8", byCode["SCI.PS"].GradeLevels);
        Assert.Equal("6-7", byCode["SCI.PS.1"].GradeLevels);
        Assert.Equal("6", byCode["SCI.PS.1.a"].GradeLevels);
        Assert.Equal("K,6", byCode["SCI.LS.1"].GradeLevels);
    }

    [Fact]
    public void Precedes_and_is_prerequisite_of_become_prerequisites_and_other_links_are_ignored()
    {
        var package = Read(CaseSamples.Science()).Package!;

        Assert.Equal(
            [(CaseSamples.Id("PS1a"), CaseSamples.Id("PS2a")), (CaseSamples.Id("PS2a"), CaseSamples.Id("PS2b")), (CaseSamples.Id("PS1a"), CaseSamples.Id("LS1"))],
            package.Prerequisites.Select(p => (p.Prerequisite, p.Standard)));
    }

    [Fact]
    public void A_broken_package_is_rejected_with_every_problem_at_its_path()
    {
        var result = Read(CaseSamples.Broken());

        Assert.Null(result.Package);
        Assert.Equal(CaseSamples.BrokenPaths.Order(), result.Errors.Select(p => p.Path).Order());
        Assert.Contains(result.Errors, p => p.Path == "$.CFItems[1].identifier" && p.Key == "Case.Problem.Missing");
        Assert.Contains(result.Errors, p => p.Path == "$.CFItems[3].identifier" && p.Key == "Case.Problem.DuplicateIdentifier");
    }

    [Fact]
    public void Text_that_is_not_json_says_where_it_broke()
    {
        var result = Read("{\n  \"CFDocument\": {\n    \"identifier\": \"x\",,\n");

        var problem = Assert.Single(result.Problems);
        Assert.Equal("$", problem.Path);
        Assert.Equal("Case.Problem.NotJson", problem.Key);
        Assert.Equal(3, problem.Args[0]);
    }

    [Fact]
    public void Property_names_in_other_cases_a_wrapper_and_missing_optional_fields_are_accepted()
    {
        const string json = """
            { "CFPackage": {
                "cfDocument": { "Identifier": "doc-1", "Title": "Tiny" },
                "cfItems": [
                  { "identifier": "a", "fullStatement": "First" },
                  { "identifier": "b", "fullStatement": "Second", "humanCodingScheme": "B" }
                ],
                "cfAssociations": [
                  { "associationType": "isChildOf", "originNodeURI": { "identifier": "b" }, "destinationNodeURI": { "identifier": "a" }, "sequenceNumber": "one" },
                  { "associationType": "isChildOf", "originNodeURI": "https://x.example/CFItems/a", "destinationNodeURI": "https://x.example/CFDocuments/doc-1" }
                ]
            } }
            """;

        var result = Read(json);

        var package = Assert.IsType<CasePackage>(result.Package);
        Assert.Equal(["a", "B"], package.Standards.Select(s => s.Code));
        Assert.Equal("a", package.Standards[1].ParentIdentifier);
        Assert.Contains(result.Warnings, w => w.Path == "$.CFPackage.CFItems[0].humanCodingScheme" && w.Key == "Case.Problem.NoCode");
        Assert.Contains(result.Warnings, w => w.Path == "$.CFPackage.CFAssociations[0].sequenceNumber" && w.Key == "Case.Problem.NotANumber");
    }

    [Fact]
    public void A_loop_of_parents_is_an_error()
    {
        const string json = """
            { "CFDocument": { "identifier": "d", "title": "Loop" },
              "CFItems": [ { "identifier": "a", "fullStatement": "A" }, { "identifier": "b", "fullStatement": "B" } ],
              "CFAssociations": [
                { "associationType": "isChildOf", "originNodeURI": { "identifier": "a" }, "destinationNodeURI": { "identifier": "b" } },
                { "associationType": "isChildOf", "originNodeURI": { "identifier": "b" }, "destinationNodeURI": { "identifier": "a" } } ] }
            """;

        var result = Read(json);

        Assert.Null(result.Package);
        Assert.Contains(result.Errors, e => e.Key == "Case.Problem.Cycle");
    }

    [Fact]
    public void Dates_without_a_time_zone_are_read_as_utc()
    {
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 10, 0, 0, TimeSpan.Zero), CasePackageReader.ParseDate("2024-03-01T10:00:00"));
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero), CasePackageReader.ParseDate("2024-03-01"));
        Assert.Null(CasePackageReader.ParseDate("yesterday"));
    }
}
