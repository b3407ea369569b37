using Microsoft.AspNetCore.Http.HttpResults;

namespace FunctionsApp.Hosting;

/// <summary>The one way handlers build an RFC 9457 problem: a stable <see cref="ProblemTypes"/> type and a detail that says what to change.</summary>
internal static class Problems
{
    public static ProblemHttpResult Create(int status, string type, string title, string? detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, type: type);
}
