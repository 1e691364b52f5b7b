import { fieldPath } from './schemaIssues';

/**
 * How deep a webhook body may nest objects and arrays. `JSON.parse` takes any depth, but what a bot does with the
 * value next does not: `JSON.stringify` (a bot echoing a card submit, a transcript logger, a Storage writing state)
 * throws a RangeError at about 5,000 levels and `structuredClone` at about 2,000. That failure is not the vendor's to
 * retry, so the parsers refuse deeper bodies with a 400. Vendor payloads nest a few levels; an Adaptive Card or
 * structured content with containers in containers a dozen or two: 64 leaves ample room.
 */
export const MAX_BODY_NESTING = 64;

/**
 * How many items one array in a webhook body may have. Schema validation reports one issue per bad item, so a
 * 480 KB body of 240,000 wrong items costs ~600 ms of CPU and ~200 MB of heap to reject (measured); vendor payloads
 * carry a few cards, attachments or changes.
 */
export const MAX_ARRAY_ITEMS = 1000;

/**
 * The 400 text for a parsed JSON body nested deeper than `maxDepth` objects and arrays (the body itself is level 1),
 * or undefined when it is not. It names where: the first `namedSegments` segments of the path to the first value
 * past the limit (`data.value`, `body.changes[0].event.content`).
 *
 * Iterative (an explicit stack, no recursion), so it checks a body of any depth without running out of stack, and
 * stops at the first value past the limit.
 */
export function nestingProblem(body: unknown, namedSegments: number, maxDepth = MAX_BODY_NESTING, maxItems = MAX_ARRAY_ITEMS): string | undefined {
    const found = shapeProblem(body, maxDepth, maxItems);
    if (!found) return undefined;
    const where = fieldPath(found.path.slice(0, namedSegments));
    const at = where ? ` (in ${where})` : '';
    return found.kind === 'depth'
        ? `the body nests objects and arrays deeper than ${maxDepth} levels${at}`
        : `the body has an array of more than ${maxItems} items${at}`;
}

interface Visit {
    value: object;
    depth: number;
    parent: Visit | undefined;
    key: string | number | undefined;
}

/** The first object or array at a depth over `maxDepth`, or array longer than `maxItems`, with its path; or undefined. */
function shapeProblem(body: unknown, maxDepth: number, maxItems: number): { kind: 'depth' | 'items'; path: Array<string | number> } | undefined {
    if (body === null || typeof body !== 'object') return undefined;
    const stack: Visit[] = [{ value: body, depth: 1, parent: undefined, key: undefined }];
    while (stack.length > 0) {
        const visit = stack.pop()!;
        if (visit.depth > maxDepth) return { kind: 'depth', path: pathOf(visit) };
        const push = (key: string | number, child: unknown) => {
            if (child !== null && typeof child === 'object') stack.push({ value: child, depth: visit.depth + 1, parent: visit, key });
        };
        const value = visit.value as Record<string, unknown> | unknown[];
        if (Array.isArray(value) && value.length > maxItems) return { kind: 'items', path: pathOf(visit) };
        if (Array.isArray(value)) for (let index = 0; index < value.length; index++) push(index, value[index]);
        else for (const key of Object.keys(value)) push(key, value[key]);
    }
    return undefined;
}

function pathOf(visit: Visit): Array<string | number> {
    const path: Array<string | number> = [];
    for (let at: Visit | undefined = visit; at?.key !== undefined; at = at.parent) path.unshift(at.key);
    return path;
}
