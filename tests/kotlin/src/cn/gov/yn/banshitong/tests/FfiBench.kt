package cn.gov.yn.banshitong.tests

import cn.gov.yn.banshitong.coreVersion

/**
 * Not a test: prints the cost of reaching the core from the JVM. The library
 * is loaded on the first call, so the first figure is load + first call.
 */
object FfiBench {
    @JvmStatic
    fun main(args: Array<String>) {
        val calls = args.firstOrNull()?.toInt() ?: 100_000
        val loadStart = System.nanoTime()
        coreVersion()
        val firstCallMs = (System.nanoTime() - loadStart) / 1e6
        repeat(10_000) { coreVersion() } // warm up the JIT
        val start = System.nanoTime()
        repeat(calls) { coreVersion() }
        val meanNs = (System.nanoTime() - start).toDouble() / calls
        println("ffi-bench: load + first call %.1f ms; trivial call mean %.0f ns over %d calls".format(firstCallMs, meanNs, calls))
    }
}
