/**
 * Shell completion scripts generated from the command tree, so they never drift from the
 * commands. Ids (profiles, agents) are not baked in: the scripts ask `aipro completion ids`
 * at completion time, which prints only ids, never a secret.
 */

/** One command of the tree, by its path of words ("" for `aipro`, "models auth" …). */
export interface CompletionNode {
  path: string;
  subcommands: string[];
  options: string[];
  /** Options that take a value, so the word after them is not a subcommand. */
  valueOptions: string[];
  /** What its positional arguments are: profile ids, or nothing to offer. */
  args: 'profiles' | 'none';
}

/** Which ids a value option completes to. */
export const VALUE_KINDS: Record<string, 'profiles' | 'agents' | 'providers'> = {
  '--agent': 'agents',
  '--profile': 'profiles',
  '--profile-id': 'profiles',
  '--provider': 'providers',
};

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function shCase(fn: string, nodes: CompletionNode[], pick: (n: CompletionNode) => string[]): string {
  const arms = nodes.map((n) => `    ${q(n.path)}) echo ${q(pick(n).join(' '))} ;;`);
  return `${fn}() {\n  case "$1" in\n${arms.join('\n')}\n  esac\n}`;
}

/**
 * The shell functions bash and zsh share: the command tree as `case` tables, and
 * `_aipro_candidates CUR WORD…` (the words before the cursor, without `aipro`), which prints
 * what may come next. No arrays, so bash and zsh (1-based arrays, `path` tied to PATH) agree.
 */
function shCore(nodes: CompletionNode[]): string {
  return `${shCase('_aipro_subs', nodes, (n) => n.subcommands)}
${shCase('_aipro_opts', nodes, (n) => n.options)}
${shCase('_aipro_valopts', nodes, (n) => n.valueOptions)}
${shCase('_aipro_args', nodes, (n) => [n.args])}
_aipro_candidates() {
  local cur=$1 cmdpath="" skip=0 prev="" w kind
  shift
  for w in "$@"; do
    prev=$w
    if ((skip)); then skip=0; continue; fi
    if [[ $w == -* ]]; then
      [[ " $(_aipro_valopts "$cmdpath") " == *" $w "* ]] && skip=1
      continue
    fi
    [[ " $(_aipro_subs "$cmdpath") " == *" $w "* ]] && cmdpath=\${cmdpath:+$cmdpath }$w
  done
  if [[ $prev == -* && " $(_aipro_valopts "$cmdpath") " == *" $prev "* ]]; then
    case "$prev" in
${Object.entries(VALUE_KINDS)
  .map(([opt, kind]) => `      ${opt}) command aipro completion ids ${kind} 2>/dev/null ;;`)
  .join('\n')}
    esac
  elif [[ $cur == -* ]]; then
    _aipro_opts "$cmdpath"
  else
    _aipro_subs "$cmdpath"
    kind=$(_aipro_args "$cmdpath")
    [[ $kind != none ]] && command aipro completion ids "$kind" 2>/dev/null
  fi
  return 0
}`;
}

/** bash. Words are re-split from COMP_LINE, so ids with ':' (a bash word break) stay whole. */
export function bashScript(nodes: CompletionNode[]): string {
  return `# aipro completion for bash (from \`aipro completion bash\`)
${shCore(nodes)}
_aipro() {
  local line=\${COMP_LINE:0:COMP_POINT} cur=""
  local -a ws
  read -ra ws <<< "$line"
  if [[ $line != *' ' && \${#ws[@]} -gt 0 ]]; then cur=\${ws[\${#ws[@]}-1]}; unset "ws[\${#ws[@]}-1]"; fi
  COMPREPLY=($(compgen -W "$(_aipro_candidates "$cur" "\${ws[@]:1}")" -- "$cur"))
  # bash replaces only the text after the last ':' of the word; give it just that part.
  if [[ $cur == *:* && \${COMP_WORDBREAKS-} == *:* ]]; then
    local pre=\${cur%"\${cur##*:}"} i
    for i in "\${!COMPREPLY[@]}"; do COMPREPLY[i]=\${COMPREPLY[i]#"$pre"}; done
  fi
}
complete -o default -F _aipro aipro
`;
}

/** zsh: native (compadd); load with compinit from $fpath, or source it after compinit. */
export function zshScript(nodes: CompletionNode[]): string {
  return `#compdef aipro
# aipro completion for zsh (from \`aipro completion zsh\`)
${shCore(nodes)}
_aipro() {
  local -a cands
  cands=(\${=$(_aipro_candidates "\${words[CURRENT]}" "\${(@)words[2,CURRENT-1]}")})
  compadd -- "\${cands[@]}"
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then _aipro "$@"; else compdef _aipro aipro; fi
`;
}

function fishSwitch(fn: string, nodes: CompletionNode[], pick: (n: CompletionNode) => string[]): string {
  const arms = nodes.map(
    (n) => `    case ${q(n.path)}\n        ${pick(n).length ? `printf '%s\\n' ${pick(n).map(q).join(' ')}` : 'true'}`,
  );
  return `function ${fn}\n    switch "$argv[1]"\n${arms.join('\n')}\n    end\nend`;
}

export function fishScript(nodes: CompletionNode[]): string {
  return `# aipro completion for fish (from \`aipro completion fish\`)
${fishSwitch('__aipro_subs', nodes, (n) => n.subcommands)}
${fishSwitch('__aipro_opts', nodes, (n) => n.options)}
${fishSwitch('__aipro_valopts', nodes, (n) => n.valueOptions)}
${fishSwitch('__aipro_args', nodes, (n) => [n.args])}
function __aipro_candidates
    set -l words (commandline -opc)
    set -e words[1]
    set -l path ''
    set -l skip 0
    for w in $words
        if test $skip = 1
            set skip 0
            continue
        end
        if string match -q -- '-*' $w
            contains -- $w (__aipro_valopts "$path"); and set skip 1
            continue
        end
        contains -- $w (__aipro_subs "$path"); and set path (string trim -- "$path $w")
    end
    set -l prev ''
    test (count $words) -gt 0; and set prev $words[-1]
    if string match -q -- '-*' $prev; and contains -- $prev (__aipro_valopts "$path")
        switch $prev
${Object.entries(VALUE_KINDS)
  .map(([opt, kind]) => `            case ${opt}\n                command aipro completion ids ${kind} 2>/dev/null`)
  .join('\n')}
        end
        return
    end
    if string match -q -- '-*' (commandline -ct)
        __aipro_opts "$path"
        return
    end
    __aipro_subs "$path"
    set -l kind (__aipro_args "$path")
    test "$kind" != none; and command aipro completion ids $kind 2>/dev/null
end
complete -c aipro -f -a '(__aipro_candidates)'
`;
}
