// The shapes the policies read. They are the subset of @pulumi/policy's ResourceValidationArgs / PolicyResource
// that the checks use, so the same functions run inside `pulumi preview --policy-pack` and in tests that build
// these objects by hand or from the mocked stack (test/policy/stackResources.ts).
import type { ReportViolation } from "@pulumi/policy";

/** One resource as a stack policy sees it: `props` are its outputs (which echo its inputs for AWS resources). */
export interface StackResource {
    readonly type: string;
    readonly urn: string;
    readonly name: string;
    readonly props: Record<string, any>;
    readonly provider?: { readonly type: string; readonly urn: string; readonly name: string; readonly props: Record<string, any> };
    readonly parent?: StackResource;
    readonly dependencies: readonly StackResource[];
    readonly propertyDependencies: Readonly<Record<string, readonly StackResource[]>>;
}

/** One resource as a resource policy sees it: `props` are its inputs. */
export interface ResourceUnderTest {
    readonly type: string;
    readonly urn: string;
    readonly name: string;
    readonly props: Record<string, any>;
}

export type { ReportViolation };
