namespace FunctionsApp.Ingestion.Elasticsearch;

/// <summary>One action of a <c>_bulk</c> request, answered in order: <c>index</c>, <c>create</c>, <c>update</c> or <c>delete</c>, and its target index.</summary>
internal readonly record struct BulkItem(string Action, string Index);
