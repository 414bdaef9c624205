namespace PersonalizedLearning.Web.Resources;

/// <summary>Marker for the user-facing text in Text.resx (English) and Text.es.resx (Spanish).</summary>
public sealed class Text;
