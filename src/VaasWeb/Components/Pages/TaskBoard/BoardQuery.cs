using VaasWeb.Processing.Tasks;

namespace VaasWeb.Components.Pages.TaskBoard;

public enum BoardSort
{
    Newest,
    Oldest,
    RecentlyUpdated,
    Progress,
    Name,
}

/// <summary>What the viewer asked to see: which statuses and kinds, which words, only stalled ones or all, in what order.</summary>
public sealed record BoardQuery(
    IReadOnlySet<TaskState> States,
    TaskKind? Kind = null,
    string? Text = null,
    BoardSort Sort = BoardSort.Newest,
    bool StalledOnly = false)
{
    public static readonly IReadOnlyList<TaskState> Columns = [TaskState.Pending, TaskState.InProgress, TaskState.Completed, TaskState.Failed];

    public static BoardQuery Everything { get; } = new(Columns.ToHashSet());

    public bool Matches(TaskSnapshot task) =>
        States.Contains(task.State)
        && (Kind is null || task.Kind == Kind)
        && (!StalledOnly || task.StalledSince is not null)
        && (string.IsNullOrWhiteSpace(Text) || Contains(task.VideoName) || Contains(task.Step) || Contains(task.ErrorMessage)
            || Contains(task.ErrorCode) || task.TaskId.ToString().StartsWith(Text.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The matching tasks of each column, sorted; every column is present, empty or not.</summary>
    public IReadOnlyDictionary<TaskState, List<TaskSnapshot>> Apply(IEnumerable<TaskSnapshot> tasks)
    {
        var columns = Columns.ToDictionary(state => state, _ => new List<TaskSnapshot>());
        foreach (var task in tasks.Where(Matches))
        {
            columns[task.State].Add(task);
        }

        foreach (var column in columns.Values)
        {
            column.Sort(Compare);
        }

        return columns;
    }

    private int Compare(TaskSnapshot a, TaskSnapshot b)
    {
        var order = Sort switch
        {
            BoardSort.Oldest => a.CreatedAt.CompareTo(b.CreatedAt),
            BoardSort.RecentlyUpdated => b.UpdatedAt.CompareTo(a.UpdatedAt),
            BoardSort.Progress => b.Progress.CompareTo(a.Progress),
            BoardSort.Name => string.Compare(a.VideoName, b.VideoName, StringComparison.OrdinalIgnoreCase),
            _ => b.CreatedAt.CompareTo(a.CreatedAt),
        };
        // Ties fall back to newest first, then the id, so the order never flickers between renders.
        return order != 0 ? order
            : b.CreatedAt.CompareTo(a.CreatedAt) is var byAge and not 0 ? byAge
            : a.TaskId.CompareTo(b.TaskId);
    }

    private bool Contains(string? field) => field?.Contains(Text!.Trim(), StringComparison.OrdinalIgnoreCase) == true;
}
