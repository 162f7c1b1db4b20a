// A stand-in for bcryptprimitives.dll, used only by the consumer test's Windows run under
// Wine: Windows 10 and later ship the real DLL, Debian's Wine 8 does not. Rust's std asks
// it for random bytes (ProcessPrng); this answers through RtlGenRandom (advapi32).
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length); // RtlGenRandom

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
  while (len > 0) {
    ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
    if (!SystemFunction036(data, chunk)) return FALSE;
    data += chunk;
    len -= chunk;
  }
  return TRUE;
}
