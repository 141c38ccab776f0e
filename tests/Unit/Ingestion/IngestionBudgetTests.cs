using VaasWeb.Processing.Failures;
using VaasWeb.Processing.Ingestion;

namespace VaasWeb.Tests.Unit.Ingestion;

[Trait("Category", "Fast")]
public class IngestionBudgetTests
{
    private static readonly IngestionOptions Options = new()
    {
        StepTimeoutFactor = 2.5,
        StepTimeoutFloorSeconds = 60,
        TaskTimeoutFactor = 10,
        TaskTimeoutFloorSeconds = 300,
    };

    [Theory]
    [InlineData(60, 150, "StepTimeoutFactor", 600, "TaskTimeoutFactor")]
    [InlineData(10, 60, "StepTimeoutFloorSeconds", 300, "TaskTimeoutFloorSeconds")]
    [InlineData(24, 60, "StepTimeoutFloorSeconds", 300, "TaskTimeoutFloorSeconds")]
    [InlineData(3600, 9000, "StepTimeoutFactor", 36000, "TaskTimeoutFactor")]
    public void For_AVideo_ScalesWithItsLengthNeverBelowTheFloor(double seconds, double step, string stepSetting, double task, string taskSetting)
    {
        var budget = IngestionBudget.For(seconds, Options);

        Assert.Equal((TimeSpan.FromSeconds(step), stepSetting), (budget.Step, budget.StepSetting));
        Assert.Equal((TimeSpan.FromSeconds(task), taskSetting), (budget.Task, budget.TaskSetting));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0.0)]
    [InlineData(-5.0)]
    public void For_UnknownLength_GivesTheFloors(double? seconds)
    {
        var budget = IngestionBudget.For(seconds, Options);

        Assert.Equal((TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(300)), (budget.Step, budget.Task));
        Assert.Equal("The step probe took longer than its budget of 1 min for a video of unknown length (Ingestion:StepTimeoutFloorSeconds).",
            budget.Exceeded("probe", byTaskDeadline: false).Message);
    }

    [Fact]
    public void LimitFor_PlentyOfTheTaskLeft_IsTheStepsOwnBudget()
    {
        var budget = IngestionBudget.For(60, Options);

        Assert.Equal((TimeSpan.FromSeconds(150), false), budget.LimitFor(TimeSpan.FromSeconds(100)));
    }

    [Fact]
    public void LimitFor_LessOfTheTaskLeftThanAStep_IsWhatIsLeftAndTheTasksToBlame()
    {
        var budget = IngestionBudget.For(60, Options);

        Assert.Equal((TimeSpan.FromSeconds(50), true), budget.LimitFor(TimeSpan.FromSeconds(550)));
        Assert.Equal((TimeSpan.Zero, true), budget.LimitFor(TimeSpan.FromSeconds(700)));
    }

    [Fact]
    public void Exceeded_NamesTheStepTheBudgetTheVideoAndTheSetting()
    {
        var budget = IngestionBudget.For(60, Options);

        var step = budget.Exceeded("transcript", byTaskDeadline: false);
        var task = budget.Exceeded("transcript", byTaskDeadline: true);

        Assert.Equal(ErrorCodes.StepTimeout, step.Code);
        Assert.Equal("The step transcript took longer than its budget of 2 min 30 s for a 1 min video (Ingestion:StepTimeoutFactor).", step.Message);
        Assert.Equal(ErrorCodes.TaskTimeout, task.Code);
        Assert.Equal("The ingestion took longer than its budget of 10 min for a 1 min video (Ingestion:TaskTimeoutFactor); it was stopped during step transcript.", task.Message);
    }

    [Theory]
    [InlineData(0.5, "0.5 s")]
    [InlineData(45, "45 s")]
    [InlineData(59.96, "60 s")]
    [InlineData(60, "1 min")]
    [InlineData(150, "2 min 30 s")]
    [InlineData(3600, "1 h")]
    [InlineData(3900, "1 h 5 min")]
    [InlineData(90000, "25 h")]
    public void Describe_ADuration_ReadsAsPeopleSayIt(double seconds, string expected)
    {
        Assert.Equal(expected, IngestionBudget.Describe(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void TimeoutCodes_AreTheRunsOwnEnd_WithAdvice()
    {
        Assert.Equal(FailureKind.Ended, ErrorCodes.KindOf(ErrorCodes.StepTimeout));
        Assert.Equal(FailureKind.Ended, ErrorCodes.KindOf(ErrorCodes.TaskTimeout));
        Assert.Contains("raise the setting the reason names", ErrorCodes.AdviceFor(ErrorCodes.StepTimeout));
    }
}
